/// <reference types="vitest/config" />
// Build and unit-test configuration of the Jiceng web interface.
// Element Plus is imported on demand: the resolvers add the component and its CSS
// wherever a template or script uses it, so only what a page shows is shipped.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants as zlib } from 'node:zlib'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Writes a .gz beside every text asset of the build, so that a server can send the
// precompressed file to browsers that accept gzip (jiceng serve does not compress on the fly).
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'jiceng-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const p = join(dir, name)
          return statSync(p).isDirectory() ? walk(p) : [p]
        })
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file) || file.includes('/.vite/')) continue
        const data = readFileSync(file)
        if (data.length < 1024) continue
        writeFileSync(`${file}.gz`, gzipSync(data, { level: zlib.Z_BEST_COMPRESSION }))
      }
    },
  }
}

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
    precompress(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    // vue-i18n: Composition API only (no legacy API), no global <i18n-t> components, no devtools.
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
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
    // dist/.vite/manifest.json: which chunks each page needs (read by scripts/bundle-size.mjs).
    manifest: true,
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
