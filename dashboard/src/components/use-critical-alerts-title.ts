'use client';

import { useEffect } from 'react';
import { criticalAlertsTitle } from '../lib/alert.ts';

/**
 * Puts the count of open critical alerts in front of the tab's title, so that a new one is noticed
 * from another tab, without sound or motion. Used by every page that follows the alerts stream.
 */
export function useCriticalAlertsTitle(openCritical: number, pageTitle: string): void {
  useEffect(() => {
    document.title = criticalAlertsTitle(openCritical, pageTitle);
  }, [openCritical, pageTitle]);
}
