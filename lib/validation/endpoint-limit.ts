/** How many custom endpoints a user may have: its own module, so the settings page's eager code imports a number, not the endpoint rules. */
export const MAX_ENDPOINTS_PER_USER = 10;
