'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const PAGES = [
  { href: '/fleet', label: 'Fleet' },
  { href: '/throughput', label: 'Throughput' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/pipeline', label: 'Pipeline' },
] as const;

/** The site's navigation; the current page is marked for assistive technology and by style. */
export default function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Pages" className="nav">
      <span className="nav-title">IoT pipeline</span>
      {PAGES.map((page) => (
        <Link key={page.href} href={page.href} className="nav-link" aria-current={pathname === page.href ? 'page' : undefined}>
          {page.label}
        </Link>
      ))}
    </nav>
  );
}
