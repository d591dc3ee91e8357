import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import NavLinks from '../components/NavLinks.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'IoT pipeline',
  description: "The IoT pipeline's operations console: fleet, sensors, alerts and pipeline health, live.",
};

export default function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="container-wide">
            <NavLinks />
          </div>
        </header>
        {children}
      </body>
    </html>
  );
}
