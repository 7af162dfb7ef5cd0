"use client";

import type { ReactNode } from "react";
import { SWRConfig } from "swr";

import { LiveUpdatesProvider } from "@/components/live/LiveUpdatesProvider";
import { fetchJson } from "@/lib/client/api";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <SWRConfig
      value={{
        fetcher: fetchJson,
        // The event stream keeps data fresh; refetching on focus would only
        // race with it.
        revalidateOnFocus: false,
      }}
    >
      <LiveUpdatesProvider>{children}</LiveUpdatesProvider>
    </SWRConfig>
  );
}
