import Type from 'typebox'
import { Card, CourseId, DECK_PAGE_DEFAULT, DECK_PAGE_MAX, EXPORT_FORMATS, ModuleId, REVIEW_STATUSES } from '@flashcards/queue-core'
import { NextOffset } from '../api-schemas.js'
import { closedComponent, component, ref } from '../components.js'
import { envelopeOf } from '../envelope.js'

const ReviewStatusSchema = Type.Union(
  REVIEW_STATUSES.map((s) => Type.Literal(s)),
  {
    description: '`new` (not reviewed), `approved`, `rejected` (left out of exports) or `edited` (the reviewer rewrote it).',
  },
)

export const CourseParams = Type.Object({ courseId: CourseId }, { additionalProperties: false })
export const DeckParams = Type.Object({ courseId: CourseId, moduleId: ModuleId }, { additionalProperties: false })
export const CardParams = Type.Object({ courseId: CourseId, moduleId: ModuleId, cardId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false })

const pageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DECK_PAGE_MAX, default: DECK_PAGE_DEFAULT, description: 'Page size.' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: '`next_offset` of the previous page.' })),
}

export const DeckListQuery = Type.Object(pageFields, { additionalProperties: false })

export const DeckReadQuery = Type.Object(
  {
    revision: Type.Optional(Type.Integer({ minimum: 1, description: 'A past revision; the latest when absent.' })),
    status: Type.Optional(ReviewStatusSchema),
    ...pageFields,
  },
  { additionalProperties: false },
)

export const ExportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union(
        EXPORT_FORMATS.map((f) => Type.Literal(f)),
        {
          default: 'apkg',
          description: '`apkg` (Anki package), `csv` (Anki text import with headers) or `json` (the decks as this API returns them).',
        },
      ),
    ),
  },
  { additionalProperties: false },
)

export const CardPatchBody = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('new')], {
        description: 'Approve, reject, or send back to `new` (which also drops an edit).',
      }),
    ),
    front: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000, description: 'New question, or cloze text with `{{c1::…}}`.' })),
    back: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000, description: 'New answer.' })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'An edit (front and/or back: status becomes `edited`) or a review decision.',
    examples: [{ status: 'approved' }],
  },
)

const EditedText = Type.Object(
  { front: Type.String(), back: Type.String(), at: Type.String({ format: 'date-time' }) },
  { additionalProperties: false, description: "The reviewer's text; exports and the review page show it instead of the generated one." },
)

export const DeckCardSchema = component(
  'DeckCard',
  Type.Object(
    {
      ...Card.properties,
      status: ReviewStatusSchema,
      edited: Type.Optional(EditedText),
      reviewed_at: Type.Optional(Type.String({ format: 'date-time' })),
    },
    { additionalProperties: false, description: 'A card of a deck: the generated card with its review status.' },
  ),
)
export const DeckCardEnvelope = envelopeOf(DeckCardSchema)

const Counts = Type.Object(Object.fromEntries(REVIEW_STATUSES.map((s) => [s, Type.Integer({ minimum: 0 })])), {
  additionalProperties: false,
})

export const DeckSchema = closedComponent('Deck', {
  key: Type.Object({ tenant: Type.String(), course_id: Type.String(), module_id: Type.String() }, { additionalProperties: false }),
  revision: Type.Integer({ minimum: 1, description: 'The revision read.' }),
  revisions: Type.Integer({ minimum: 1, description: 'How many revisions the deck has (the latest one).' }),
  job_id: Type.String({ description: 'The generation job that wrote this revision.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  course_title: Type.Optional(Type.String()),
  module_title: Type.Optional(Type.String()),
  cards: Type.Array(ref(DeckCardSchema), { description: 'This page of cards, after the status filter.' }),
  total: Type.Integer({ minimum: 0, description: 'Cards matching the filter, over all pages.' }),
  next_offset: NextOffset,
})
export const DeckEnvelope = envelopeOf(DeckSchema)

export const DeckSummarySchema = closedComponent('DeckSummary', {
  course_id: Type.String(),
  module_id: Type.String(),
  module_title: Type.Optional(Type.String()),
  revision: Type.Integer({ minimum: 1 }),
  updated_at: Type.String({ format: 'date-time' }),
  card_count: Type.Integer({ minimum: 0 }),
  counts: Counts,
  reviewed: Type.Integer({ minimum: 0, description: 'Cards approved, edited or rejected.' }),
  progress: Type.Number({ minimum: 0, maximum: 1, description: '`reviewed` / `card_count` (1 for an empty deck).' }),
})

export const DeckPageSchema = closedComponent('DeckPage', { items: Type.Array(ref(DeckSummarySchema)), total: Type.Integer({ minimum: 0 }), next_offset: NextOffset })
export const DeckPageEnvelope = envelopeOf(DeckPageSchema)

export const Deleted = closedComponent('Deleted', { deleted: Type.Literal(true) })
export const DeletedEnvelope = envelopeOf(Deleted)

const EXAMPLE_CARD = {
  id: 'c-3f9a1b2c4d5e6f70',
  type: 'cloze',
  front: 'In the shell, the vertical bar | between two commands is called a {{c1::pipe}}.',
  back: 'pipe',
  tags: ['kind:definition'],
  source: { module_id: 'pipes', chunk_id: 'pipes#3', heading: 'Pipes and Filters' },
  status: 'approved',
  reviewed_at: '2026-12-01T10:30:00.000Z',
}

export const DECK_EXAMPLES = {
  card: EXAMPLE_CARD,
  deck: {
    key: { tenant: 'acme', course_id: 'shell-novice', module_id: 'pipes' },
    revision: 2,
    revisions: 2,
    job_id: '3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47',
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:30:00.000Z',
    module_title: 'Pipes and Filters',
    cards: [EXAMPLE_CARD],
    total: 1,
    next_offset: null,
  },
  page: {
    items: [
      {
        course_id: 'shell-novice',
        module_id: 'pipes',
        module_title: 'Pipes and Filters',
        revision: 2,
        updated_at: '2026-12-01T10:30:00.000Z',
        card_count: 12,
        counts: { new: 8, approved: 3, rejected: 1, edited: 0 },
        reviewed: 4,
        progress: 0.3333,
      },
    ],
    total: 1,
    next_offset: null,
  },
}
