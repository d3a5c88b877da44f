/// <reference types="vitest/config" />
// Build and unit-test configuration of the Jiceng web interface.
// Element Plus is imported on demand: the resolvers add the component and its CSS
// wherever a template or script uses it, so only what a page shows is shipped.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The API server used by `npm run dev` (jiceng serve's default address).
const apiTarget = process.env.JICENG_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'src/auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver()],
      dts: 'src/components.d.ts',
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/healthz': apiTarget,
    },
  },
  build: {
    target: 'es2020',
    // The server serves /assets/* with `Cache-Control: immutable`: every file there is hashed.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        // Keep the framework in one long-lived chunk so a new release of a page re-downloads
        // only that page. ECharts stays out: it is imported dynamically where a chart is shown.
        manualChunks(id) {
          if (id.includes('node_modules')) {
            if (/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts'
            if (/node_modules\/(@vue|vue|vue-router|pinia|vue-i18n|@intlify)\//.test(id)) return 'vue'
          }
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.ts'],
    css: false,
    server: { deps: { inline: ['element-plus'] } },
  },
})
