import Link from "next/link";

import { ConnectionIndicator } from "@/components/live/ConnectionIndicator";
import { NotificationBell } from "@/components/notifications/NotificationBell";
import { loaderRoles, rolLabels } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session";
import { SignOutButton } from "./SignOutButton";

export function AppHeader({ user }: { user: SessionUser }) {
  return (
    <header className="header">
      <nav className="nav">
        <Link href="/" className="brand">
          Auditoría
        </Link>
        {user.rol === "auditor_medico" && (
          <Link href="/auditoria">Pendientes</Link>
        )}
        {loaderRoles.includes(user.rol) && (
          <Link href="/presupuestos">Presupuestos</Link>
        )}
      </nav>
      <div className="header-right">
        <ConnectionIndicator />
        <NotificationBell />
        <span className="user" title={user.email}>
          {user.name} · {rolLabels[user.rol]}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}
