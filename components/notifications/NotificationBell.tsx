"use client";

import { useEffect, useRef, useState } from "react";
import useSWR from "swr";

import { keys } from "@/lib/client/api";
import type { NotificationsSnapshot } from "@/lib/realtime/snapshots";
import { NotificationList } from "./NotificationList";

type CountData = Pick<NotificationsSnapshot, "count" | "version">;

/** Renders the bell with the live unread badge and the latest notifications. */
export function NotificationBell() {
  const { data } = useSWR<CountData>(keys.notificationCount);
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const count = data?.count ?? 0;

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const label =
    count === 0
      ? "Notificaciones: no hay sin leer"
      : `Notificaciones: ${count} sin leer`;

  return (
    <div className="bell" ref={container}>
      <button
        type="button"
        className="bell-button"
        aria-label={label}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen((value) => !value)}
        data-testid="notification-bell"
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {count > 0 && (
          <span className="badge" data-testid="notification-count">
            {count > 99 ? "99+" : count}
          </span>
        )}
      </button>
      {open && <NotificationList unread={count} />}
    </div>
  );
}
