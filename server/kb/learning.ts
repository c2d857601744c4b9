/**
 * The learning loop: messages the bot could not answer ("misses") are grouped into gaps by similarity and
 * frequency; an agent attaches them to an entry as new phrasings, or creates an entry from them; and when an
 * agent answers a customer with a KB answer, the customer's question is proposed as a phrasing of that entry.
 * docs/knowledge-base.md.
 * @module
 */
import type { Logger } from 'pino';
import type { KbMiss, Store } from '../store/types.js';
import { KbEditError, type Actor, type EntryInput, type KbEditor } from './editing.js';
import { isHumanRequest } from './human-request.js';
import { analyze } from './matcher/features.js';
import { FILLER_WORDS, STOP_WORDS } from './matcher/stopwords.js';
import { editDistance, normalizeText, stem } from './matcher/text.js';
import type { KnowledgeBase } from './service.js';
import type { KbEntry, MatchResult } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// grouping

/** A group of similar missed messages, before it is shown. */
export interface MissGroup {
  /** Stable while the group keeps its first member: `g` + the smallest miss id. */
  key: string;
  /** Every miss in the group, newest first. */
  members: KbMiss[];
  /** Distinct texts (by normalised form), most frequent first. */
  texts: { text: string; count: number; missIds: number[] }[];
}

export interface GroupOptions {
  /** Cosine (0..1) a message needs to the group's centroid to join it. Default 0.5. */
  threshold?: number;
  /**
   * Texts that tell which words are common (IDF) and how words are spelt (typo repair): the KB's phrasings. Words
   * common in the KB ("как", "заказ") then weigh less than the words that make a question different.
   */
  background?: readonly string[];
}

type Vec = Map<string, number>;

/**
 * Repairs misspelt words against a vocabulary (edit distance 1, or 2 for words of 8+ letters), so "доствка"
 * groups with "доставка". Words shorter than 5 letters are left alone: too many real words are one edit apart.
 */
class SpellFixer {
  private readonly byLength = new Map<number, string[]>();
  private readonly known = new Set<string>();
  private readonly cache = new Map<string, string>();

  constructor(vocabulary: Map<string, number>) {
    const sorted = [...vocabulary.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    for (const w of sorted) {
      this.known.add(w);
      const list = this.byLength.get(w.length) ?? [];
      list.push(w);
      this.byLength.set(w.length, list);
    }
  }

  fix(word: string): string {
    if (word.length < 5 || this.known.has(word) || /\d/.test(word)) return word;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    const max = word.length >= 8 ? 2 : 1;
    let best = word;
    let bestDistance = max + 1;
    for (let len = word.length - max; len <= word.length + max && bestDistance > 1; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        const d = editDistance(word, candidate, max);
        if (d < bestDistance) {
          bestDistance = d;
          best = candidate;
          if (d === 1) break;
        }
      }
    }
    this.cache.set(word, best);
    return best;
  }
}

/**
 * The stems a message is compared by: content words, unless nothing else is left. Stop words, fillers and words
 * with digits (order numbers, dates, phone numbers: different in every message) are left out.
 */
function terms(text: string, speller: SpellFixer | null): string[] {
  const { words } = analyze(text);
  const content = words.filter((w) => !STOP_WORDS.has(w) && !FILLER_WORDS.has(w) && !/\d/.test(w));
  const chosen = content.length > 0 ? content : words;
  return [...new Set(chosen.map((w) => stem(speller ? speller.fix(w) : w)))];
}

function dot(a: Vec, b: Vec): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [k, v] of small) {
    const w = large.get(k);
    if (w !== undefined) sum += v * w;
  }
  return sum;
}

function norm(a: Vec): number {
  let sum = 0;
  for (const v of a.values()) sum += v * v;
  return Math.sqrt(sum);
}

/**
 * Groups missed messages by similarity: identical texts (after normalisation) first, then a greedy pass, most
 * frequent text first, where each text joins the group whose centroid is closest by cosine over IDF-weighted
 * stem sets, or starts a new group. Groups are returned biggest first, then most recent.
 */
export function groupMisses(misses: readonly KbMiss[], options: GroupOptions = {}): MissGroup[] {
  const threshold = options.threshold ?? 0.5;
  const background = options.background ?? [];

  // 1. identical texts
  const buckets = new Map<string, { text: string; members: KbMiss[] }>();
  for (const miss of misses) {
    const key = normalizeText(miss.text) || miss.text.trim();
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { text: miss.text.trim(), members: [] };
      buckets.set(key, bucket);
    }
    bucket.members.push(miss);
  }
  const distinct = [...buckets.values()];
  for (const b of distinct) b.members.sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
  distinct.sort((a, b) => b.members.length - a.members.length || b.members[0]!.createdAt - a.members[0]!.createdAt);

  // 2. vocabulary for typo repair (KB words, and words seen in two or more distinct missed texts) and IDF
  const vocabulary = new Map<string, number>();
  const countWords = (text: string, weight: number) => {
    for (const w of new Set(analyze(text).words)) if (!/\d/.test(w)) vocabulary.set(w, (vocabulary.get(w) ?? 0) + weight);
  };
  for (const t of background) countWords(t, 2);
  for (const b of distinct) countWords(b.text, 1);
  for (const [w, n] of vocabulary) if (n < 2) vocabulary.delete(w);
  const speller = new SpellFixer(vocabulary);
  const docTerms = distinct.map((b) => terms(b.text, speller));
  const df = new Map<string, number>();
  const addDf = (ts: string[]) => {
    for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
  };
  for (const t of background) addDf(terms(t, null));
  docTerms.forEach(addDf);
  const n = background.length + distinct.length;
  const idf = (t: string) => Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1;

  // 3. greedy grouping against centroids, with an inverted index so only groups sharing a term are compared
  interface Cluster {
    centroid: Vec;
    centroidNorm: number;
    buckets: number[];
  }
  const clusters: Cluster[] = [];
  const byTerm = new Map<string, Set<number>>();
  distinct.forEach((bucket, i) => {
    const ts = docTerms[i]!;
    const vec: Vec = new Map(ts.map((t) => [t, idf(t)]));
    const length = norm(vec);
    let best = -1;
    let bestScore = 0;
    if (length > 0) {
      const candidates = new Set<number>();
      for (const t of ts) for (const c of byTerm.get(t) ?? []) candidates.add(c);
      for (const c of candidates) {
        const cluster = clusters[c]!;
        const score = dot(vec, cluster.centroid) / (length * cluster.centroidNorm);
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
    }
    if (best < 0 || bestScore < threshold) {
      best = clusters.length;
      clusters.push({ centroid: new Map(), centroidNorm: 0, buckets: [] });
    }
    const cluster = clusters[best]!;
    cluster.buckets.push(i);
    // The centroid weighs each text by how often it was sent, normalised so long messages do not dominate.
    const weight = bucket.members.length / (length || 1);
    for (const [t, v] of vec) {
      cluster.centroid.set(t, (cluster.centroid.get(t) ?? 0) + v * weight);
      let set = byTerm.get(t);
      if (!set) byTerm.set(t, (set = new Set()));
      set.add(best);
    }
    cluster.centroidNorm = norm(cluster.centroid) || 1;
  });

  const groups: MissGroup[] = clusters.map((c) => {
    const texts = c.buckets.map((i) => {
      const b = distinct[i]!;
      return { text: b.text, count: b.members.length, missIds: b.members.map((m) => m.id) };
    });
    const members = c.buckets.flatMap((i) => distinct[i]!.members).sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
    return { key: `g${Math.min(...members.map((m) => m.id))}`, members, texts };
  });
  return groups.sort((a, b) => b.members.length - a.members.length || b.members[0]!.createdAt - a.members[0]!.createdAt);
}

// ---------------------------------------------------------------------------------------------------------------
// proposals from agents' replies

export interface ProposalInput {
  conversationId: number;
  /** The agent's reply that carried the KB answer. */
  replyMessageId: number;
  kbEntryId: string;
  actor?: string | null;
  at?: number;
}

/**
 * An agent answered with entry `kbEntryId`: the customer's last question before that reply becomes a `proposed`
 * phrasing of the entry, for an agent to accept or reject. Button presses, empty messages and requests for a
 * human are skipped when looking for "the question". Nothing is proposed when the entry does not exist, the
 * entry already has that phrasing, or the bot would already answer that question with this entry.
 */
export async function proposePhrasingFromReply(
  deps: { store: Store; kb?: Pick<KnowledgeBase, 'match'>; log?: Logger },
  input: ProposalInput,
): Promise<KbMiss | null> {
  const { store } = deps;
  const entry = await store.getKbEntry(input.kbEntryId);
  if (!entry) return null;
  const messages = await store.listMessages(input.conversationId);
  const replyAt = messages.findIndex((m) => m.id === input.replyMessageId);
  const before = replyAt >= 0 ? messages.slice(0, replyAt) : messages.filter((m) => m.id < input.replyMessageId);
  const question = [...before]
    .reverse()
    .find((m) => m.direction === 'in' && m.authorType === 'contact' && !m.buttonId && /\p{L}/u.test(m.text) && !isHumanRequest(m.text));
  if (!question) return null;
  const key = normalizeText(question.text);
  if (entry.questions.some((q) => normalizeText(q) === key)) return null;
  const match: MatchResult | undefined = deps.kb?.match(question.text);
  if (match?.decision === 'answer' && match.ranked[0]?.entryId === entry.id) return null;
  const at = input.at ?? Date.now();
  const conversation = await store.getConversation(input.conversationId);
  const proposal = await store.proposePhrasing({
    conversationId: input.conversationId,
    messageId: question.id,
    text: question.text,
    language: conversation?.language ?? null,
    entryId: entry.id,
    createdAt: at,
  });
  if (proposal) {
    await store.appendEvent(
      { conversationId: input.conversationId, type: 'kb_phrasing_proposed', actor: input.actor ?? null, data: { entryId: entry.id, missId: proposal.id, messageId: question.id } },
      at,
    );
    deps.log?.info({ entryId: entry.id, missId: proposal.id }, 'phrasing proposed from an agent reply');
  }
  return proposal;
}

/**
 * An agent's reply carried a KB answer (`message:send` with `kbEntryId`): records the `kb_answer_used` event
 * `{ kbEntryId, messageId }` and proposes the customer's question as a phrasing of the entry. A reply sent again
 * with the same clientId is recorded once. Never throws: the reply is already on its way.
 */
export async function recordKbAnswerUsed(
  deps: { store: Store; kb?: Pick<KnowledgeBase, 'match'>; log?: Logger },
  input: { agentId: number; conversationId: number; messageId: number; kbEntryId: string },
): Promise<KbMiss | null> {
  try {
    const events = await deps.store.listEvents(input.conversationId);
    if (events.some((e) => e.type === 'kb_answer_used' && e.data?.messageId === input.messageId)) return null;
    const actor = `agent:${input.agentId}`;
    await deps.store.appendEvent(
      { conversationId: input.conversationId, type: 'kb_answer_used', actor, data: { kbEntryId: input.kbEntryId, messageId: input.messageId } },
      Date.now(),
    );
    return await proposePhrasingFromReply(deps, { conversationId: input.conversationId, replyMessageId: input.messageId, kbEntryId: input.kbEntryId, actor });
  } catch (err) {
    deps.log?.error({ err, ...input }, 'recording a KB answer failed');
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the service behind the REST routes

/** A gap as the console shows it. */
export interface GapView {
  key: string;
  /** How many times customers sent a message of this group. */
  count: number;
  /** The most frequent text. */
  label: string;
  /** Up to `examples` distinct texts with how often each was sent and their miss ids. */
  examples: { text: string; count: number; missIds: number[] }[];
  /** Every miss in the group (attach or dismiss them together). */
  missIds: number[];
  languages: string[];
  firstSeen: number;
  lastSeen: number;
  /** The entry the matcher finds closest to the label now (a hint for "add as phrasing to…"). */
  suggestion: { entryId: string; question: string; confidence: number } | null;
  /** The bot answers the label by now (the KB changed since): attaching is probably no longer needed. */
  answeredNow: boolean;
}

export interface ProposalView {
  id: number;
  text: string;
  entryId: string | null;
  /** The entry's first phrasing and topic, or null when the entry was deleted since. */
  entry: { id: string; question: string; topic: string | null } | null;
  conversationId: number | null;
  messageId: number | null;
  createdAt: number;
}

export interface KbLearningDeps {
  store: Store;
  kb: KnowledgeBase;
  editor: KbEditor;
  log: Logger;
  now?: () => number;
}

/** Gaps, attaching, creating from misses, dismissing, and the proposals list. */
export class KbLearning {
  private readonly now: () => number;

  constructor(private readonly deps: KbLearningDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Open misses of the last `days`, grouped; the biggest `limit` groups. */
  async gaps(options: { days?: number; limit?: number; examples?: number } = {}): Promise<{ groups: GapView[]; open: number; totalGroups: number }> {
    const since = this.now() - (options.days ?? 90) * 86_400_000;
    const misses = (await this.deps.store.listMisses('open', 5000)).filter((m) => m.createdAt >= since);
    const background = this.deps.kb.list().flatMap((e) => e.questions);
    const groups = groupMisses(misses, { background });
    const shown = groups.slice(0, options.limit ?? 50);
    const examples = options.examples ?? 5;
    return {
      open: misses.length,
      totalGroups: groups.length,
      groups: shown.map((g) => {
        const label = g.texts[0]!.text;
        const match = this.deps.kb.match(label);
        const top = match.ranked[0];
        const entry = top && this.deps.kb.get(top.entryId);
        return {
          key: g.key,
          count: g.members.length,
          label,
          examples: g.texts.slice(0, examples),
          missIds: g.members.map((m) => m.id),
          languages: [...new Set(g.members.map((m) => m.language).filter((l): l is string => Boolean(l)))],
          firstSeen: Math.min(...g.members.map((m) => m.createdAt)),
          lastSeen: g.members[0]!.createdAt,
          suggestion: top && entry ? { entryId: top.entryId, question: entry.questions[0] ?? top.question, confidence: round(top.confidence) } : null,
          answeredNow: match.decision === 'answer',
        };
      }),
    };
  }

  /**
   * Adds missed messages to an entry as phrasings: `texts` (as the agent edited them) or, when absent, the most
   * frequent text of the misses. All the given misses are marked attached.
   */
  async attach(input: { missIds: number[]; entryId: string; texts?: string[] }, actor: Actor): Promise<{ entry: KbEntry; added: string[]; attached: number }> {
    const misses = await this.existingMisses(input.missIds);
    const texts = input.texts?.length ? input.texts : [mostFrequentText(misses)];
    const { entry, added } = await this.deps.editor.addPhrasings(input.entryId, texts, actor, { missIds: misses.map((m) => m.id) });
    const attached = await this.deps.store.setMissStatus(misses.map((m) => m.id), 'attached', entry.id, ['open', 'proposed', 'dismissed']);
    return { entry, added, attached };
  }

  /** Creates an entry (usually prefilled from a gap) and marks the misses it came from attached to it. */
  async createFromMisses(input: EntryInput, missIds: number[], actor: Actor): Promise<KbEntry> {
    const misses = missIds.length ? await this.existingMisses(missIds) : [];
    const entry = await this.deps.editor.create(input, actor);
    if (misses.length) await this.deps.store.setMissStatus(misses.map((m) => m.id), 'attached', entry.id, ['open', 'proposed', 'dismissed']);
    return entry;
  }

  /** Takes misses off the gaps list (not a question for the KB: "ок", spam, a one-off). */
  async dismiss(missIds: number[], actor: Actor): Promise<{ dismissed: number }> {
    const misses = await this.existingMisses(missIds);
    const dismissed = await this.deps.store.setMissStatus(misses.map((m) => m.id), 'dismissed', null, ['open']);
    await this.deps.store.appendEvent({ conversationId: null, type: 'kb_misses_dismissed', actor, data: { missIds: misses.map((m) => m.id) } }, this.now());
    return { dismissed };
  }

  async proposals(limit = 200): Promise<ProposalView[]> {
    const rows = await this.deps.store.listMisses('proposed', limit);
    return rows.map((m) => {
      const entry = m.entryId ? this.deps.kb.get(m.entryId) : undefined;
      return {
        id: m.id,
        text: m.text,
        entryId: m.entryId,
        entry: entry ? { id: entry.id, question: entry.questions[0] ?? entry.id, topic: entry.topic ?? null } : null,
        conversationId: m.conversationId,
        messageId: m.messageId,
        createdAt: m.createdAt,
      };
    });
  }

  /** Adds the proposed phrasing (or the agent's edited `text`) to its entry. */
  async accept(id: number, text: string | undefined, actor: Actor): Promise<{ entry: KbEntry; added: string[] }> {
    const proposal = await this.proposal(id);
    const result = await this.deps.editor.addPhrasings(proposal.entryId!, [text?.trim() ? text : proposal.text], actor, { proposalId: id });
    await this.deps.store.setMissStatus([id], 'attached', proposal.entryId, ['proposed']);
    return result;
  }

  async reject(id: number, actor: Actor): Promise<void> {
    const proposal = await this.proposal(id);
    await this.deps.store.setMissStatus([id], 'dismissed', proposal.entryId, ['proposed']);
    await this.deps.store.appendEvent({ conversationId: proposal.conversationId, type: 'kb_proposal_rejected', actor, data: { proposalId: id, entryId: proposal.entryId } }, this.now());
  }

  private async proposal(id: number): Promise<KbMiss> {
    const [row] = await this.deps.store.getMisses([id]);
    if (!row || !row.entryId) throw new KbEditError(404, 'not_found', `There is no proposal ${id}.`);
    if (row.status !== 'proposed') {
      throw new KbEditError(409, 'conflict', `Proposal ${id} was already ${row.status === 'attached' ? 'accepted' : 'rejected'}.`);
    }
    return row;
  }

  private async existingMisses(ids: number[]): Promise<KbMiss[]> {
    const misses = await this.deps.store.getMisses(ids);
    if (misses.length === 0) throw new KbEditError(404, 'not_found', 'None of these missed messages exist.');
    return misses;
  }
}

function mostFrequentText(misses: KbMiss[]): string {
  const counts = new Map<string, { text: string; n: number }>();
  for (const m of misses) {
    const key = normalizeText(m.text);
    const c = counts.get(key) ?? { text: m.text.trim(), n: 0 };
    c.n++;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]!.text;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
