// Server-rendered (the default); the auth routes need a server anyway.
export default { ssr: true }
