import { handleNextAuth } from "@/lib/api/next-auth-route";

export const dynamic = "force-dynamic";

export { handleNextAuth as GET, handleNextAuth as POST };
