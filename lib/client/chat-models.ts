/**
 * Whether a model answers chat: what the playground offers. Providers list every model a key can reach,
 * embeddings, speech, transcription, moderation and image models included (OpenAI's text-embedding-3-small,
 * tts-1, whisper-1, omni-moderation-latest, dall-e-3, gpt-image-1; Mistral's mistral-embed and mistral-ocr;
 * Groq's whisper and playai-tts; Google's embedding and Imagen models), and none of those can chat.
 */
const NOT_CHAT = [
  /embed/i,
  /(^|[-_/.:])tts([-_/.:]|$)/i,
  /whisper/i,
  /transcribe/i,
  /moderation/i,
  /dall-e/i,
  /(^|[-_/.:])image([-_/.:]|$)/i,
  /imagen/i,
  /(^|[-_/.:])veo([-_/.:]|$)/i,
  /(^|[-_/.:])sora([-_/.:]|$)/i,
  /(^|[-_/.:])ocr([-_/.:]|$)/i,
  /realtime/i,
  /(^|[-_/.:])(babbage|davinci)(-\d+)?$/i,
];

export const isChatModel = (id: string): boolean => !NOT_CHAT.some((pattern) => pattern.test(id));
