"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import type { AppRouter } from "@/server/trpc/root";
import { transformer } from "@/server/trpc/transformer";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => {
          // Permission, validation and not-found answers will not change on retry.
          if (error instanceof TRPCClientError && typeof error.data?.httpStatus === "number" && error.data.httpStatus < 500) return false;
          return failures < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/api/trpc", transformer, maxURLLength: 4_000 })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <NuqsAdapter>{children}</NuqsAdapter>
        <Toaster position="bottom-right" richColors closeButton />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The message to show for a failed call, with field errors named. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error) return error.message;
  return "Unexpected error";
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (error instanceof TRPCClientError && error.data && typeof error.data === "object" && "fieldErrors" in error.data) {
    return (error.data.fieldErrors as Record<string, string> | undefined) ?? {};
  }
  return {};
}
