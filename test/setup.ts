// Every test file starts on the backend Glasswing itself chooses (native when the binding loads).
import { beforeAll } from 'vitest'
import { ready } from '../src'

beforeAll(async () => {
  await ready()
})
