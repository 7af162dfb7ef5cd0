"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import useSWR, { useSWRConfig } from "swr";

import { keys } from "@/lib/client/api";
import { formatDateTime } from "@/lib/dates";
import { markAllReadAction, markReadAction } from "@/lib/notifications/actions";
import type { NotificationDto } from "@/lib/notifications/service";

type ListData = { notifications: NotificationDto[] };

/** Renders the bell's dropdown: the latest notifications, newest first. */
export function NotificationList({ unread }: { unread: number }) {
  const { data, error, isLoading } = useSWR<ListData>(keys.notifications);
  const { mutate } = useSWRConfig();
  const [pending, startTransition] = useTransition();
  const [failure, setFailure] = useState<string | null>(null);

  const run = (
    action: () => Promise<{ ok: boolean; error?: { message: string } }>,
  ) =>
    startTransition(async () => {
      const result = await action();
      setFailure(result.ok ? null : (result.error?.message ?? null));
      await mutate(keys.notifications);
    });

  return (
    <div className="dropdown" role="region" aria-label="Notificaciones">
      <div className="dropdown-header">
        <strong>Notificaciones</strong>
        <button
          type="button"
          className="link-button"
          disabled={unread === 0 || pending}
          onClick={() => run(markAllReadAction)}
        >
          Marcar todas como leídas
        </button>
      </div>
      {failure && <p className="form-error">{failure}</p>}
      {isLoading && <p className="muted">Cargando…</p>}
      {error && <p className="form-error">{(error as Error).message}</p>}
      {data?.notifications.length === 0 && (
        <p className="muted">No tenés notificaciones.</p>
      )}
      <ul className="notification-list">
        {data?.notifications.map((notification) => (
          <li
            key={notification.id}
            className={notification.readAt ? "read" : "unread"}
          >
            <div>
              {notification.link ? (
                <Link
                  href={notification.link}
                  onClick={() => {
                    if (!notification.readAt) {
                      run(() => markReadAction(notification.id));
                    }
                  }}
                >
                  {notification.title}
                </Link>
              ) : (
                <span>{notification.title}</span>
              )}
              <p>{notification.message}</p>
              <time dateTime={notification.createdAt}>
                {formatDateTime(notification.createdAt)}
              </time>
            </div>
            {!notification.readAt && (
              <button
                type="button"
                className="link-button"
                disabled={pending}
                onClick={() => run(() => markReadAction(notification.id))}
              >
                Marcar como leída
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
