import { clientAddressFromHeaders } from "@/lib/api/client-address";
import { publicRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/users";
import { limitRegistration } from "@/lib/rate-limits";

export const dynamic = "force-dynamic";

export const POST = publicRoute(operations.register, async ({ request, body }) => {
  await limitRegistration(clientAddressFromHeaders(request.headers));
  const user = await createUser({ email: body.email, passwordHash: await hashPassword(body.password), name: body.name });
  return { id: user.id, email: user.email };
});
