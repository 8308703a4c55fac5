/** @module Names the framework and runtime serving the example. */
import { defineEventHandler, setResponseHeader } from 'h3'
import { version } from 'nuxt/package.json'

export default defineEventHandler((event) => {
  setResponseHeader(event, 'content-type', 'text/plain; charset=utf-8')
  return `hello from nuxt ${version} on node ${process.version}`
})
