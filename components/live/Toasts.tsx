"use client";

import Link from "next/link";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";

import type { NotificationDto } from "@/lib/notifications/service";

const visibleMs = 6_000;
const maxVisible = 3;

type Show = (notification: NotificationDto) => void;
const ToastContext = createContext<Show>(() => {});

/** Returns the function that shows a notification as a toast. */
export function useShowToast(): Show {
  return useContext(ToastContext);
}

/** Shows new notifications briefly in a corner, newest last. */
export function Toasts({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<NotificationDto[]>([]);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  const show = useCallback<Show>((notification) => {
    setToasts((current) => [...current, notification].slice(-maxVisible));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setToasts((current) => current.filter((t) => t.id !== notification.id));
    }, visibleMs);
    timers.current.add(timer);
  }, []);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast" data-testid="toast">
            <strong>
              {toast.link ? (
                <Link href={toast.link}>{toast.title}</Link>
              ) : (
                toast.title
              )}
            </strong>
            <p>{toast.message}</p>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
