// Layout helpers for the e2e specs: how wide the page is, which elements stick out of the window,
// and whether headings wrap word by word.
import type { Page } from '@playwright/test';

export const VIEW_IDS = ['pretrain', 'tokenizer', 'probe', 'lab', 'data', 'compare', 'sweep'] as const;

/** The page's scroll width and the window's width, with the innermost visible elements that reach past it. */
export function pageWidth(page: Page): Promise<{ scroll: number; inner: number; over: string[] }> {
  return page.evaluate(() => {
    const inner = window.innerWidth;
    const past = (el: Element) => el.getBoundingClientRect().right > inner + 0.5;
    const over: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (el.offsetParent === null || !past(el) || el.getBoundingClientRect().width === 0) continue;
      // Only the innermost offenders: a child sticking out makes its parents look wide too.
      if (Array.from(el.children).some(past)) continue;
      const id = el.dataset.testid ? `[${el.dataset.testid}]` : typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
      over.push(`${el.tagName.toLowerCase()}${id} right=${Math.round(el.getBoundingClientRect().right)} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
    }
    return { scroll: document.scrollingElement!.scrollWidth, inner, over: over.slice(0, 12) };
  });
}

/** Visible headings of three or more words laid out one word per line (a column squeezed too narrow). */
export function wordPerLineHeadings(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('h1, h2, h3'))
      .filter((h) => h.offsetParent !== null)
      .filter((h) => {
        const words = (h.textContent ?? '').trim().split(/\s+/).length;
        const lines = Math.round(h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight || '0'));
        return words >= 3 && lines >= words;
      })
      .map((h) => h.textContent ?? ''),
  );
}
