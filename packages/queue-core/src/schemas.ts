import Type, { type Static } from 'typebox'

/*
 * One set of TypeBox schemas validates HTTP input (the plugin), job payloads (the workers) and
 * documents both (OpenAPI). Keep them JSON-Schema-only: no codecs, no refinements. What jobs
 * produce (cards and results) is in ./result-schemas.ts.
 */

/** Identifier of a course, module or file: safe as a directory name and a Redis key part. */
const identifier = (example: string) =>
  Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9_.-]*$',
    description: 'Letters, digits, `_`, `-` and `.` (no `..`), starting with a letter or digit.',
    examples: [example],
  })

/** The same rules under each name, so the OpenAPI document shows a course id where a course is meant. */
export const Identifier = identifier('mod-hr-101')
export const CourseId = identifier('course-hr-2025')
export const ModuleId = Identifier
export const FileId = identifier('intro-video')

/** A job id as the API hands it out (a UUID) or as BullMQ accepts it from a caller. */
export const JOB_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'
export const JobId = Type.String({
  pattern: JOB_ID_PATTERN,
  description: 'Job id returned when the job was enqueued.',
  examples: ['3f0c2a9e-7b1d-4c55-9a0e-2f5b8c1d9e47'],
})

export const CardType = Type.Union([Type.Literal('basic'), Type.Literal('cloze')], {
  description: '`basic`: question and answer. `cloze`: a sentence with `{{c1::…}}` deletions.',
})
export type CardType = Static<typeof CardType>

export const TARGET_CARD_COUNT_MAX = 200

export const GenerationSettings = Type.Object(
  {
    target_card_count: Type.Optional(Type.Integer({ minimum: 1, maximum: TARGET_CARD_COUNT_MAX, default: 10, description: 'Cards to aim for per module.' })),
    card_types: Type.Optional(Type.Array(CardType, { minItems: 1, maxItems: 2, uniqueItems: true, description: 'Card types to produce.' })),
    language: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
        maxLength: 35,
        description: 'BCP 47 language tag of the cards.',
        examples: ['en', 'pt-BR'],
      }),
    ),
  },
  { additionalProperties: false, description: 'Generation settings; omitted fields take their defaults.' },
)
export type GenerationSettings = Static<typeof GenerationSettings>

/** Settings after defaults are applied: what a job actually runs with. */
export interface ResolvedSettings {
  target_card_count: number
  card_types: CardType[]
  language: string
}

export const DEFAULT_SETTINGS: Readonly<ResolvedSettings> = Object.freeze({
  target_card_count: 10,
  card_types: ['basic', 'cloze'] as CardType[],
  language: 'en',
})

export function resolveSettings(settings: GenerationSettings | undefined): ResolvedSettings {
  return {
    target_card_count: settings?.target_card_count ?? DEFAULT_SETTINGS.target_card_count,
    card_types: settings?.card_types ? [...settings.card_types] : [...DEFAULT_SETTINGS.card_types],
    language: settings?.language ?? DEFAULT_SETTINGS.language,
  }
}

export const ContentFormat = Type.Union([Type.Literal('markdown'), Type.Literal('text'), Type.Literal('html'), Type.Literal('vtt'), Type.Literal('srt')], {
  description: 'How `text` is written.',
})
export type ContentFormat = Static<typeof ContentFormat>

export const INLINE_CONTENT_MAX_CHARS = 500_000

export const InlineContent = Type.Object(
  {
    format: ContentFormat,
    text: Type.String({ minLength: 1, maxLength: INLINE_CONTENT_MAX_CHARS }),
    title: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false, description: 'Module content carried in the job instead of read from a content source.' },
)
export type InlineContent = Static<typeof InlineContent>

export const GenerateMode = Type.Union([Type.Literal('single_module'), Type.Literal('modules'), Type.Literal('course')], {
  description: '`single_module`: target.module_id. `modules`: target.module_ids. `course`: every module of target.course_id.',
})
export type GenerateMode = Static<typeof GenerateMode>

export const MODULES_PER_REQUEST_MAX = 100

/** Where a job's outcome is POSTed (signed; see the README's webhooks section). */
export const CallbackUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  pattern: '^https?://[^\\s/?#]+[^\\s]*$',
  description: 'http(s) URL that receives a signed POST when each job of the request completes or fails. Private addresses are refused unless allowed.',
  examples: ['https://lms.example.com/hooks/flashcards'],
})

export const GenerateBatchBody = Type.Object(
  {
    mode: GenerateMode,
    target: Type.Object(
      {
        course_id: CourseId,
        module_id: Type.Optional(ModuleId),
        module_ids: Type.Optional(Type.Array(ModuleId, { minItems: 1, maxItems: MODULES_PER_REQUEST_MAX, uniqueItems: true })),
      },
      { additionalProperties: false },
    ),
    settings: Type.Optional(GenerationSettings),
    content: Type.Optional(InlineContent),
    callback_url: Type.Optional(CallbackUrl),
  },
  {
    additionalProperties: false,
    examples: [{ mode: 'single_module', target: { module_id: 'mod-hr-101', course_id: 'course-hr-2025' }, settings: { target_card_count: 10 } }],
  },
)
export type GenerateBatchBody = Static<typeof GenerateBatchBody>

export const Owner = Type.Object(
  { tenant: Type.String({ minLength: 1, maxLength: 128 }), principal: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
)
export type Owner = Static<typeof Owner>

const ResolvedSettingsSchema = Type.Object(
  {
    target_card_count: Type.Integer({ minimum: 1, maximum: TARGET_CARD_COUNT_MAX }),
    card_types: Type.Array(CardType, { minItems: 1, maxItems: 2, uniqueItems: true }),
    language: Type.String({ maxLength: 35 }),
  },
  { additionalProperties: false },
)

/** Payload of an orchestrator job that generates one module's cards. */
export const ModuleJobData = Type.Object(
  {
    kind: Type.Literal('module'),
    module_id: ModuleId,
    course_id: CourseId,
    settings: ResolvedSettingsSchema,
    content: Type.Optional(InlineContent),
    owner: Owner,
    callback_url: Type.Optional(CallbackUrl),
  },
  { additionalProperties: false },
)
export type ModuleJobData = Static<typeof ModuleJobData>

/** Payload of an orchestrator job that expands a course into one module job per module. */
export const CourseJobData = Type.Object(
  { kind: Type.Literal('course'), course_id: CourseId, settings: ResolvedSettingsSchema, owner: Owner, callback_url: Type.Optional(CallbackUrl) },
  { additionalProperties: false },
)
export type CourseJobData = Static<typeof CourseJobData>

export type OrchestratorJobData = ModuleJobData | CourseJobData

export const FILE_URL_MAX_LENGTH = 2048
export const FILES_PER_JOB_MAX = 50

export const TranscriptionFile = Type.Object(
  {
    file_id: FileId,
    url: Type.String({
      minLength: 1,
      maxLength: FILE_URL_MAX_LENGTH,
      description: 'http(s) URL, s3://bucket/key, or a path inside the allowed local root.',
      examples: ['https://cdn.example.com/courses/hr/intro.mp4'],
    }),
    mime_type: Type.Optional(Type.String({ maxLength: 127, pattern: '^[a-z]+/[a-zA-Z0-9.+_-]+$', examples: ['video/mp4'] })),
  },
  { additionalProperties: false },
)
export type TranscriptionFile = Static<typeof TranscriptionFile>

export const TranscriptionBody = Type.Object(
  {
    module_id: ModuleId,
    course_id: CourseId,
    files: Type.Array(TranscriptionFile, { minItems: 1, maxItems: FILES_PER_JOB_MAX }),
    settings: Type.Optional(GenerationSettings),
  },
  {
    additionalProperties: false,
    examples: [
      {
        module_id: 'mod-hr-101',
        course_id: 'course-hr-2025',
        files: [{ file_id: 'intro-video', url: 'https://cdn.example.com/hr/intro.mp4', mime_type: 'video/mp4' }],
      },
    ],
  },
)
export type TranscriptionBody = Static<typeof TranscriptionBody>

/** Payload of a transcription job. `settings` are used when it chains into generation. */
export const TranscriptionJobData = Type.Object(
  {
    kind: Type.Literal('transcription'),
    module_id: ModuleId,
    course_id: CourseId,
    files: Type.Array(TranscriptionFile, { minItems: 1, maxItems: FILES_PER_JOB_MAX }),
    settings: ResolvedSettingsSchema,
    owner: Owner,
  },
  { additionalProperties: false },
)
export type TranscriptionJobData = Static<typeof TranscriptionJobData>
