"use server";

import { runAction } from "../actions/run";
import { requireUser } from "../auth/session";
import { validationError } from "../http/body";
import { notificationIdSchema } from "./schemas";
import { markAllRead, markRead } from "./service";

export async function markReadAction(id: number) {
  return runAction("markNotificationRead", async () => {
    const user = await requireUser();
    const parsed = notificationIdSchema.safeParse(id);
    if (!parsed.success) throw validationError(parsed.error, "id");
    return markRead(user.id, parsed.data);
  });
}

export async function markAllReadAction() {
  return runAction("markAllNotificationsRead", async () => {
    const user = await requireUser();
    return markAllRead(user.id);
  });
}
