import { typingText } from "./format";

export function TypingIndicator({ names }: { names: string[] }) {
  const text = typingText(names);
  return (
    <p data-testid="typing" className="h-5 px-4 text-xs italic text-stone-600" aria-live="polite">
      {text}
    </p>
  );
}
