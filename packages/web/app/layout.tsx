import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'ser: speech emotion recognition', template: '%s · ser' },
  description: 'Listen, look, and see the emotions in speech: analyse recordings, follow a live microphone, compare models.',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
  width: 'device-width',
  initialScale: 1,
};

/**
 * The theme is chosen before the first paint (an inline script reads the saved choice, else the system's), so the
 * page never flashes the other theme.
 */
const themeScript = `try{var t=localStorage.getItem('ser-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t;}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Nav />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
