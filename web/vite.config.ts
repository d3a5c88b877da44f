/// <reference types="vitest/config" />
// Build and unit-test configuration of the Jiceng web interface.
// Element Plus is imported on demand: the resolvers add the component and its CSS
// wherever a template or script uses it, so only what a page shows is shipped.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants as zlib } from 'node:zlib'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import type { GetModuleInfo } from 'rollup'
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

// The critical chunk ("shell"): the app, the framework, the login page and the hierarchy page
// with everything they import statically, Element Plus's pieces and their CSS included. One
// JS file and one CSS file instead of ~30: under Fast 3G each request costs 562.5 ms of latency
// and a browser opens 6 connections per host, so 30 small files took five rounds (bench/README.md).
const SHELL_ROOTS = ['src/app.ts', 'src/views/LoginView.vue', 'src/layouts/AppLayout.vue', 'src/views/HierarchyView.vue'].map(
  (p) => fileURLToPath(new URL(p, import.meta.url)),
)
let shellModules: Set<string> | null = null
function inShell(id: string, getModuleInfo: GetModuleInfo): boolean {
  if (!shellModules) {
    shellModules = new Set()
    const stack = [...SHELL_ROOTS]
    while (stack.length) {
      const m = stack.pop()!
      if (shellModules.has(m) || m.includes('vite/preload-helper')) continue
      const info = getModuleInfo(m)
      if (!info) continue
      shellModules.add(m)
      stack.push(...info.importedIds)
    }
  }
  return shellModules.has(id)
}

// Element Plus's barrel (element-plus/es, which the resolver imports components from, and
// element-plus for ElMessage) reaches every component. A manual chunk takes its unassigned
// dependencies with it, so a shell importing the barrel drew all of Element Plus into the first
// load (measured: 382 KB gz). This rewrites `import { ElTable } from 'element-plus/es'` to the
// module the barrel itself imports it from; the barrel is then never part of the build.
function elementPlusDirectImports(): Plugin {
  const barrel = readFileSync(fileURLToPath(new URL('./node_modules/element-plus/es/index.mjs', import.meta.url)), 'utf8')
  const source = new Map<string, string>() // exported name -> 'element-plus/es/...mjs' (import name)
  for (const m of barrel.matchAll(/^import \{([^}]*)\} from "\.\/([^"]+)";$/gm)) {
    for (const spec of m[1].split(',')) {
      const [imported, local] = spec.trim().split(/\s+as\s+/)
      if (imported) source.set(local ?? imported, `${imported}\u0000element-plus/es/${m[2]}`)
    }
  }
  for (const m of barrel.matchAll(/^import (\w+) from "\.\/([^"]+)";$/gm)) source.set(m[1], `default\u0000element-plus/es/${m[2]}`)
  const exportAs = new Map<string, string>() // public name -> local name in the barrel
  const exp = /^export \{([^}]*)\};/m.exec(barrel)
  for (const spec of exp?.[1].split(',') ?? []) {
    const [local, pub] = spec.trim().split(/\s+as\s+/)
    if (local) exportAs.set(pub ?? local, local)
  }
  const IMPORT = /import\s*\{([^}]*)\}\s*from\s*['"]element-plus(?:\/es)?(?:\/index\.mjs)?['"];?/g
  return {
    name: 'jiceng-element-plus-direct-imports',
    enforce: 'post',
    transform(code, id) {
      if (id.includes('node_modules') || !code.includes('element-plus')) return null
      let changed = false
      const out = code.replace(IMPORT, (whole, specs: string) => {
        const lines: string[] = []
        for (const spec of specs.split(',')) {
          const t = spec.trim()
          if (!t) continue
          if (t.startsWith('type ')) continue
          const [name, alias] = t.split(/\s+as\s+/)
          const from = source.get(exportAs.get(name) ?? name)
          if (!from) return whole // not a plain re-export: keep the barrel import as it is
          const [imported, path] = from.split('\u0000')
          lines.push(`import { ${imported} as ${alias ?? name} } from '${path}';`)
        }
        changed = true
        return lines.join('\n')
      })
      return changed ? { code: out, map: null } : null
    },
  }
}

// index.html asks for the shell at once (the tiny entry imports it dynamically, after starting
// the first API requests): <link rel=modulepreload> for its JS, <link rel=preload as=style> for
// its CSS (Vite's loader adds the stylesheet itself when the import runs; preloading does not
// block the first paint of the boot screen).
function preloadShell(): Plugin {
  return {
    name: 'jiceng-preload-shell',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const shell = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'shell')
        if (!shell || shell.type !== 'chunk') return []
        const css = [...(shell.viteMetadata?.importedCss ?? [])]
        return [
          { tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${shell.fileName}` }, injectTo: 'head' },
          ...css.map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', href: `/${f}` }, injectTo: 'head' as const })),
        ]
      },
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
    elementPlusDirectImports(),
    preloadShell(),
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
        // ECharts stays out of the shell: it is imported dynamically where a chart is shown.
        // (The framework used to be a chunk of its own for caching across releases; in the shell
        // it saves a request on the first visit, which matters more on a slow network.)
        manualChunks(id, { getModuleInfo }) {
          if (/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts'
          // Vite's preload helper: used by the entry to import the shell, so it must not be in
          // the shell (the entry would wait for the whole shell before starting the boot requests).
          if (id.includes('vite/preload-helper')) return 'preload-helper'
          if (inShell(id, getModuleInfo)) return 'shell'
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
