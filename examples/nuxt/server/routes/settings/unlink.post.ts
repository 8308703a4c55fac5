/** @module Starts unlinking the posted connection from app code (`useAuth(event).startUnlinkUser`). */
import { defineEventHandler } from 'h3'
import { startFlow } from '../../utils/flows'

export default defineEventHandler((event) => startFlow(event, 'unlink'))
