import Type, { type Static } from 'typebox'
import { CardType, CourseId, FileId, ModuleId } from './schemas.js'

/*
 * What jobs produce: cards with their source, and each queue's job result. The plugin's OpenAPI
 * document types a job's result with these, and the workers return them.
 */

/** Where a card came from, so a learner (and the grounding check) can find it in the source. */
export const CardSource = Type.Object(
  {
    module_id: ModuleId,
    chunk_id: Type.String({ maxLength: 128 }),
    file: Type.Optional(Type.String({ maxLength: 300, description: 'The file of the module the card comes from.' })),
    heading: Type.Optional(Type.String({ maxLength: 300 })),
    char_start: Type.Optional(Type.Integer({ minimum: 0, description: "Where the cited passage starts in the file's extracted text (characters)." })),
    char_end: Type.Optional(Type.Integer({ minimum: 0, description: 'Where the cited passage ends (exclusive).' })),
    start_seconds: Type.Optional(Type.Number({ minimum: 0 })),
    end_seconds: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
)

export const Card = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    type: CardType,
    front: Type.String({ minLength: 1, maxLength: 1_000, description: 'Question, or cloze text with {{c1::…}}.' }),
    back: Type.String({ minLength: 1, maxLength: 2_000, description: 'Answer, or the cloze answer.' }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
    source: CardSource,
  },
  { additionalProperties: false },
)
export type Card = Static<typeof Card>

/** Present when a module has fewer cards than asked: the material supports no more good ones. */
export const Shortfall = Type.Object(
  {
    asked: Type.Integer({ minimum: 1 }),
    produced: Type.Integer({ minimum: 0 }),
    reason: Type.String({ description: 'Why, in one sentence, with the drop counts per check.' }),
    dropped: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
      description: 'Drafts dropped per check id of the card rules (C11 ungrounded, C12 duplicate, …).',
    }),
  },
  { additionalProperties: false },
)
export type Shortfall = Static<typeof Shortfall>

/** The module a result is about. */
const ofModule = { module_id: ModuleId, course_id: CourseId }

/** A job another job enqueued: its id, and whether an identical one was already queued. */
const ChainedJob = { job_id: Type.String(), deduplicated: Type.Boolean() }

/** Result of a module's generation job. */
export const ModuleResult = Type.Object(
  {
    ...ofModule,
    cards: Type.Array(Card),
    deck: Type.Optional(Type.Object({ revision: Type.Integer({ minimum: 1 }) }, { description: 'The deck revision these cards were stored as.' })),
    stats: Type.Record(Type.String(), Type.Unknown(), { description: 'Counts and timings of the run.' }),
    shortfall: Type.Optional(Shortfall),
  },
  { additionalProperties: true },
)
export type ModuleResult = Static<typeof ModuleResult>

/** Result of a course job: the module jobs it enqueued. */
export const CourseResult = Type.Object(
  {
    course_id: CourseId,
    modules: Type.Array(Type.Object({ module_id: ModuleId, ...ChainedJob }, { additionalProperties: false }), {
      description: 'One generation job per module of the course.',
    }),
  },
  { additionalProperties: false },
)
export type CourseResult = Static<typeof CourseResult>

/** Where one file's transcript was stored and how big it is. */
export const FileTranscript = Type.Object(
  {
    file_id: FileId,
    source: Type.String({ description: 'What the file was: a document format, or the audio/video MIME type sent to speech-to-text.' }),
    bytes: Type.Integer({ minimum: 0 }),
    path: Type.String({ description: "Where the transcript is, relative to the tenant's content folder (`course/module/file.transcript.vtt`)." }),
    format: Type.Union([Type.Literal('vtt'), Type.Literal('md')]),
    characters: Type.Integer({ minimum: 0 }),
    segments: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
export type FileTranscript = Static<typeof FileTranscript>

/** Result of a module's transcription job. */
export const TranscriptionResult = Type.Object(
  {
    ...ofModule,
    transcripts: Type.Array(FileTranscript),
    characters: Type.Integer({ minimum: 0 }),
    segments: Type.Integer({ minimum: 0 }),
    generation_job: Type.Union([Type.Object(ChainedJob, { additionalProperties: false }), Type.Null()], {
      description: 'The generation job enqueued when ENQUEUE_MODULE_JOB_ON_COMPLETE=true, else null.',
    }),
  },
  { additionalProperties: false },
)
export type TranscriptionResult = Static<typeof TranscriptionResult>
