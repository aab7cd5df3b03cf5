'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { ThemeToggle } from './theme-toggle';

const LINKS = [
  { href: '/', label: 'Analyse' },
  { href: '/live', label: 'Live' },
  { href: '/batch', label: 'Batch' },
  { href: '/models', label: 'Models' },
];

export function Nav() {
  const path = usePathname();
  const current = (href: string) => (href === '/' ? path === '/' : path.startsWith(href));
  return (
    <header className="site-header">
      <nav aria-label="Main">
        <Link href="/" className="brand">
          ser
        </Link>
        <ul>
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={current(l.href) ? 'page' : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ThemeToggle />
    </header>
  );
}
