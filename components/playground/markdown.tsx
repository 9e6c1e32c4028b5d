"use client";

import Markdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * An answer rendered as Markdown (GitHub's flavour: tables, task lists, fenced code), re-rendered as it streams.
 * No raw HTML is rendered, and react-markdown drops unsafe link protocols (javascript:, data:…). Imported by the
 * playground alone, so the renderer never reaches another page's JavaScript.
 */
const components: Components = {
  // A long line of code scrolls inside its block; the block can take focus so a keyboard can scroll it.
  pre: ({ node: _node, ...props }) => <pre tabIndex={0} {...props} />,
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
};

export function MarkdownAnswer({ text }: { text: string }) {
  return (
    <div
      className="min-w-0 space-y-2 break-words text-sm leading-relaxed [&_a]:text-primary [&_a]:underline [&_blockquote]:border-l-2 [&_blockquote]:pl-3 [&_blockquote]:text-muted-foreground [&_code]:font-mono [&_code]:text-[0.85em] [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:text-base [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:my-0.5 [&_ol]:list-decimal [&_ol]:pl-5 [&_p_code]:rounded [&_p_code]:bg-muted [&_p_code]:px-1 [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:border [&_pre]:bg-muted [&_pre]:p-3 [&_pre]:outline-none [&_pre]:focus-visible:ring-2 [&_pre]:focus-visible:ring-ring [&_table]:w-full [&_table]:border-collapse [&_td]:border [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:px-2 [&_th]:py-1 [&_th]:text-left [&_ul]:list-disc [&_ul]:pl-5"
      data-testid="answer-markdown"
    >
      <Markdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
