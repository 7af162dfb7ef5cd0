import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { PendingList } from "@/components/auditoria/PendingList";
import { RoleNotice } from "@/components/layout/RoleNotice";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Auditoría · Pendientes" };

export default async function AuditoriaPage() {
  const user = await getSessionUser();
  if (!user) redirect("/login");
  if (user.rol !== "auditor_medico") {
    return <RoleNotice section="La cola de auditoría" role="auditor médico" />;
  }
  return (
    <section>
      <h1>Presupuestos pendientes</h1>
      <p className="muted">
        Los asignados a vos y los libres, urgentes primero y después los más
        antiguos. La lista se actualiza sola.
      </p>
      <PendingList userId={user.id} />
    </section>
  );
}
