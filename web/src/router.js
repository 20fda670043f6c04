// Hash routing: "#/tx/ABC?x=1" → { parts: ["tx", "ABC"], params: URLSearchParams }.

import { useEffect, useState } from 'preact/hooks';

export function parseHash(hash = location.hash) {
  const h = hash.replace(/^#\/?/, '');
  const [path, query = ''] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query), raw: h };
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const f = () => setRoute(parseHash());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return route;
}

export function navigate(path) {
  location.hash = path.startsWith('#') ? path : `#${path}`;
}

export function href(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}
