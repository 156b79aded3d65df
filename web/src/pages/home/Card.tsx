import type { ReactNode } from 'react';
import { ErrorText } from '../../ui';
import { useT } from '../../i18n';
import { Link } from '../../router';

/** One block of the home page: a titled card with its figures, its details and where to go next. */
export function HomeCard({
  title,
  subtitle,
  error,
  loading,
  link,
  children,
}: {
  title: string;
  subtitle?: string;
  error?: string;
  loading?: boolean;
  link?: { href: string; label: string };
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <section className="card home-card" aria-label={title}>
      <h2>{title}</h2>
      {subtitle && <p className="muted small">{subtitle}</p>}
      <ErrorText>{error}</ErrorText>
      {loading ? <p className="muted small">{t('common.loading')}</p> : children}
      {link && (
        <p className="home-link">
          <Link href={link.href}>{link.label}</Link>
        </p>
      )}
    </section>
  );
}
