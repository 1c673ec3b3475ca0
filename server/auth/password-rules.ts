/** Shared with the browser's forms, so no server-only imports here. */
export const passwordMinLength = 12;
export const passwordMaxLength = 256;
