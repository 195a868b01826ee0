// Turns a fetched response into text for the model: HTML to markdown, text types as they are; PDFs and other
// binary content are refused with what they are.
import { binaryKind } from '../files/common';
import { formatBytes } from '../output';
import type { FetchedPage } from './fetch-page';
import { htmlToMarkdown } from './html-to-markdown';

const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|javascript|x-yaml|yaml|ld\+json|rss\+xml|atom\+xml)|[^;]*\+(json|xml))/i;

function charsetOf(page: FetchedPage, head: string): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(page.contentType)?.[1];
  const fromMeta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  return (fromHeader ?? fromMeta ?? 'utf-8').toLowerCase();
}

function decode(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

export function pageToText(page: FetchedPage): { title?: string; text: string } | { error: string } {
  const type = page.contentType.split(';')[0]!.trim().toLowerCase();
  const size = formatBytes(page.body.length);
  if (type === 'application/pdf' || page.body.subarray(0, 5).toString('latin1') === '%PDF-')
    return { error: `this is a PDF document (${size}); web_extract reads web pages only` };
  const head = page.body.subarray(0, 4096).toString('latin1');
  const looksHtml = type.includes('html') || (!type && /<(!doctype html|html|head|body)\b/i.test(head));
  if (!looksHtml && !TEXT_TYPES.test(type)) {
    const kind = binaryKind(page.body);
    if (kind || type) return { error: `unsupported content (${type || kind}, ${size}); web_extract reads text and HTML only` };
  }
  const text = decode(page.body, charsetOf(page, head));
  if (!looksHtml) return { text };
  const md = htmlToMarkdown(text, page.url);
  return { title: md.title, text: md.markdown };
}
