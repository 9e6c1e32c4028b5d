import { clientAddressFromHeaders } from "@/lib/api/client-address";
import { publicRoute } from "@/lib/api/handler";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/users";
import { limitRegistration } from "@/lib/rate-limits";
import { registerSchema } from "@/lib/validation/auth";

export const dynamic = "force-dynamic";

export const POST = publicRoute({ body: registerSchema, status: 201 }, async ({ request, body }) => {
  await limitRegistration(clientAddressFromHeaders(request.headers));
  const user = await createUser({ email: body.email, passwordHash: await hashPassword(body.password), name: body.name });
  return { id: user.id, email: user.email };
});
