import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { staffPathPrefix } from '../../common/staffApi.ts'

/** The staff console's build (`npm run build:staff`): served by the service at `/staff`. */
export const staffConsoleRoot = fileURLToPath(new URL('.', import.meta.url))
export const staffConsoleOutDir = fileURLToPath(new URL('../../out/staff', import.meta.url))

export default defineConfig({
  root: staffConsoleRoot,
  // Absolute: the service answers every client route (/staff/payments/…) with this index.html.
  base: `${staffPathPrefix}/`,
  plugins: [react()],
  build: { outDir: staffConsoleOutDir, emptyOutDir: true, target: 'es2022' },
})
