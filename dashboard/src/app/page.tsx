import { redirect } from 'next/navigation';

/** The console opens on the fleet overview: the page an on-call engineer looks at first. */
export default function HomePage(): never {
  redirect('/fleet');
}
