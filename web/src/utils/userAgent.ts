// A short, readable name for a browser's User-Agent: "Chrome · Windows", "微信 · Android".

export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return ''
  const browser =
    /MicroMessenger/i.test(ua) ? 'WeChat'
    : /DingTalk/i.test(ua) ? 'DingTalk'
    : /Edg\//.test(ua) ? 'Edge'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /(Chrome|Chromium|HeadlessChrome)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : /curl\//i.test(ua) ? 'curl'
    : ''
  const os =
    /Android/.test(ua) ? 'Android'
    : /(iPhone|iPad|iPod)/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /HarmonyOS/.test(ua) ? 'HarmonyOS'
    : /Linux/.test(ua) ? 'Linux'
    : ''
  const parts = [browser, os].filter(Boolean)
  return parts.length ? parts.join(' · ') : ua.slice(0, 60)
}
