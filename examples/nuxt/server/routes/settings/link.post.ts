/** @module Starts linking the posted connection from app code (`useAuth(event).startLinkUser`). */
import { defineEventHandler } from 'h3'
import { startFlow } from '../../utils/flows'

export default defineEventHandler((event) => startFlow(event, 'link'))
