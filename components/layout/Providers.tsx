"use client";

import type { ReactNode } from "react";
import { SWRConfig, useSWRConfig } from "swr";

import { LiveUpdatesProvider } from "@/components/live/LiveUpdatesProvider";
import { Toasts } from "@/components/live/Toasts";
import { fetchJson, newerState } from "@/lib/client/api";

export function Providers({ children }: { children: ReactNode }) {
  return (
    <SWRConfig
      value={{
        // The event stream keeps data fresh; refetching on focus would only
        // race with it.
        revalidateOnFocus: false,
      }}
    >
      <VersionedFetcher>
        <Toasts>
          <LiveUpdatesProvider>{children}</LiveUpdatesProvider>
        </Toasts>
      </VersionedFetcher>
    </SWRConfig>
  );
}

/**
 * Installs a fetcher that never replaces cached state with an older
 * version: a REST response that was slower than a stream event keeps the
 * event's newer state.
 */
function VersionedFetcher({ children }: { children: ReactNode }) {
  const { cache } = useSWRConfig();
  const fetcher = async (url: string) => {
    const fresh = await fetchJson<{ version?: number }>(url);
    const current = cache.get(url)?.data as { version?: number } | undefined;
    return typeof fresh?.version === "number"
      ? newerState(current, fresh)
      : fresh;
  };
  return <SWRConfig value={{ fetcher }}>{children}</SWRConfig>;
}
