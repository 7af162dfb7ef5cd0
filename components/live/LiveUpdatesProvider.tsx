"use client";

import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { useSWRConfig } from "swr";

import { useEventStream, type StreamState } from "@/hooks/useEventStream";
import { keys, newerState } from "@/lib/client/api";
import type { NotificationDto } from "@/lib/notifications/service";
import type {
  NotificationsSnapshot,
  PresupuestosSnapshot,
} from "@/lib/realtime/snapshots";
import type { ParsedEvent } from "@/lib/sse/parse";
import { useShowToast } from "./Toasts";

const StreamStateContext = createContext<StreamState>("connecting");

export function useStreamState(): StreamState {
  return useContext(StreamStateContext);
}

type CountData = Pick<NotificationsSnapshot, "count" | "version">;

/**
 * Opens the page's one event stream and writes its events into SWR's cache,
 * so components read REST data on first paint and live data afterwards.
 */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const { mutate } = useSWRConfig();
  const router = useRouter();
  const showToast = useShowToast();

  const onEvent = useCallback(
    (event: ParsedEvent) => {
      if (event.event === "notifications") {
        const data = JSON.parse(event.data) as CountData;
        void mutate<CountData>(
          keys.notificationCount,
          (current) => newerState(current, data),
          { revalidate: false },
        );
        // The count changes when something happened to the user's items:
        // refresh the lists that show them.
        void mutate(keys.notifications);
        void mutate(keys.presupuestos);
      } else if (event.event === "notification") {
        showToast(JSON.parse(event.data) as NotificationDto);
      } else if (event.event === "presupuestos") {
        const data = JSON.parse(event.data) as PresupuestosSnapshot;
        void mutate<PresupuestosSnapshot>(
          keys.pendientes,
          (current) => newerState(current, data),
          { revalidate: false },
        );
      }
    },
    [mutate, showToast],
  );

  const onUnauthenticated = useCallback(() => {
    const next = encodeURIComponent(window.location.pathname);
    router.replace(`/login?callbackUrl=${next}`);
  }, [router]);

  const { state } = useEventStream({ onEvent, onUnauthenticated });
  return (
    <StreamStateContext.Provider value={state}>
      {children}
    </StreamStateContext.Provider>
  );
}
