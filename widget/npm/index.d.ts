// Types for @porchlight/messenger. The shapes are Porchlight's JS API (README "Embed it").

/** JSON a custom attribute or event property may hold. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = { [key: string]: AttributeValue };

export interface LoadOptions {
  /** Your edge's loader, e.g. `https://messenger.example.com/porchlight.js`. */
  src: string;
  workspaceId?: string;
  /** API base when it differs from the loader's origin. */
  apiBase?: string;
  /** CSP nonce for the script tag (styles need none: constructable stylesheets). */
  nonce?: string;
}

/** Who the visitor is. A `userId` or `email` is proven by `userHash` (HMAC of the userId) or `userJwt`. */
export interface Identity {
  userId?: string;
  email?: string;
  name?: string;
  userHash?: string;
  userJwt?: string;
  attributes?: Attributes;
}

export interface BootSettings extends Identity {
  workspaceId?: string;
  /**
   * The widget's language, before the browser's own (`navigator.languages`): a tag such as
   * `fr` or `pt-BR`. Spoken: en, es, fr, de, pt, ja, ar (right to left); a region tag falls back
   * to its language, anything else to the browser's languages, then the workspace's default.
   */
  locale?: string;
}

/** A chat message, as the `message` event hands it over. */
export interface Message {
  id: string;
  conversationId: string;
  /** Its place in the conversation (1, 2, …). */
  seq: number;
  /** `system`: the edge's own (the articles it suggests before a teammate answers). */
  author: { type: 'visitor' | 'agent' | 'system'; id?: string; name?: string; avatarUrl?: string | null };
  clientId: string;
  body: string;
  createdAt: number;
  /** A system message's suggested help-center articles. */
  articles?: { id: string; title: string }[];
}

export interface ContentEvent {
  kind: 'chat' | 'post' | 'banner' | 'tooltip' | 'tour' | 'survey' | 'checklist';
  id: string;
}

/** Each event and what its handler receives. */
export interface EventMap {
  ready: () => void;
  open: () => void;
  close: () => void;
  message: (message: Message) => void;
  unreadCountChange: (count: number) => void;
  contentShown: (content: ContentEvent) => void;
  contentDismissed: (content: ContentEvent) => void;
  tourCompleted: (tour: { id: string }) => void;
  /** `answers`: question id → answer (a number, an option, a list of options or a text), the path taken only. */
  surveyCompleted: (survey: { id: string; answers: Record<string, number | string | string[]> }) => void;
  error: (error: { code: string; message: string }) => void;
}
export type EventName = keyof EventMap;

export function load(options: LoadOptions): void;
export function boot(settings?: BootSettings): void;
/** Changes the visitor's attributes (merged, never wiped) and re-checks what may show. */
export function update(attributes?: Attributes): void;
export function identify(identity: Identity): void;
/** Records an event (queued offline, sent once); it also fires event triggers on the page. */
export function track(name: string, properties?: Attributes): void;
export function show(): void;
export function hide(): void;
export function showMessages(): void;
export function showNewMessage(text?: string): void;
export function showArticle(id: string): void;
export function startTour(id: string): void;
export function startSurvey(id: string): void;
export function startChecklist(id: string): void;
/** Prints, per item, why it shows or not. */
export function debug(): void;
/** Ends the visitor's session (call it when your user signs out). */
export function shutdown(): void;
export function on<E extends EventName>(event: E, handler: EventMap[E]): void;
export function off<E extends EventName>(event: E, handler: EventMap[E]): void;
