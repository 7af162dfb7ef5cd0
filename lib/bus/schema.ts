import { z } from "zod";

// Validates messages that arrive from other processes, which may run
// another version of the app or be something else on the same channel.

export const busMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("notifications"),
    userIds: z.array(z.string().min(1).max(64)).max(10_000),
  }),
  z.object({ type: z.literal("presupuestos") }),
  z.object({
    type: z.literal("users"),
    userIds: z.array(z.string().min(1).max(64)).max(10_000),
  }),
  z.object({ type: z.literal("resync") }),
]);

export const envelopeSchema = z.object({
  /** Id of the publishing process, so it can skip its own messages. */
  origin: z.string().min(1).max(64),
  message: busMessageSchema,
});

export type Envelope = z.infer<typeof envelopeSchema>;
