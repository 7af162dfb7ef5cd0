import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { RoleNotice } from "@/components/layout/RoleNotice";
import { OwnPresupuestos } from "@/components/presupuestos/OwnPresupuestos";
import { PresupuestoForm } from "@/components/presupuestos/PresupuestoForm";
import { loaderRoles } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Presupuestos" };

export default async function PresupuestosPage() {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  if (!loaderRoles.includes(user.rol)) {
    return (
      <RoleNotice
        section="La carga de presupuestos"
        role="administrativo o admin"
      />
    );
  }
  return (
    <div className="two-columns">
      <PresupuestoForm />
      <section>
        <h1>
          {user.rol === "admin" ? "Todos los presupuestos" : "Mis presupuestos"}
        </h1>
        <p className="muted">
          {user.rol === "admin"
            ? "La lista se actualiza cada 10 segundos."
            : "El estado cambia solo cuando un auditor decide."}
        </p>
        <OwnPresupuestos everyone={user.rol === "admin"} />
      </section>
    </div>
  );
}
