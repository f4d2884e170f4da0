/** The final table: one line per figure, the measured value beside its baseline and the target. */
type Row = [measure: string, value: string, baseline: string, ratio: string, target: string]

const pct = (value: number) => `${Math.round(value * 100)} %`
/** A target cell that says whether this run met it. */
const goal = (target: string, met: boolean) => `${target} ${met ? 'met' : 'MISSED'}`

export function renderTable(results: Record<string, any>): string {
  const rows: Row[] = []
  const failed = (name: string) => {
    const phase = results[name]
    if (!phase) return true
    if (phase.error) rows.push([name, `FAILED: ${String(phase.error).slice(0, 60)}`, '', '', ''])
    if (phase.skipped) rows.push([name, 'skipped (no corpus)', '', '', ''])
    return Boolean(phase.error || phase.skipped)
  }
  if (!failed('enqueue')) {
    const e = results.enqueue
    rows.push(['enqueue req/s (new job)', `${Math.round(e.plugin.rps)}`, `${Math.round(e.bare.rps)} bare Fastify`, `${e.ratio}×`, goal('≥ 0.8×', e.ratio >= 0.8)])
    rows.push(['enqueue p50 / p99 ms', `${e.plugin.p50} / ${e.plugin.p99}`, `${e.bare.p50} / ${e.bare.p99}`, '', ''])
    rows.push(['enqueue req/s (dedup hit)', `${Math.round(e.plugin_dedup_hit.rps)}`, `${Math.round(e.bare.rps)} bare Fastify`, `${e.dedup_hit_ratio}×`, ''])
    rows.push(['dedup hit p50 / p99 ms', `${e.plugin_dedup_hit.p50} / ${e.plugin_dedup_hit.p99}`, '', '', ''])
  }
  if (!failed('worker_overhead')) {
    const w = results.worker_overhead
    rows.push([
      `worker jobs/s (${w.jobs} jobs, c=${w.concurrency})`,
      `${w.orchestrator.jobs_per_second}`,
      `${w.bare.jobs_per_second} bare BullMQ`,
      `${w.ratio}×`,
      goal('≥ 0.5×', w.ratio >= 0.5),
    ])
    rows.push([
      'Redis commands / job',
      `${w.orchestrator.commands_per_job}`,
      `${w.bare.commands_per_job}`,
      `${(w.orchestrator.commands_per_job / w.bare.commands_per_job).toFixed(1)}×`,
      goal('≤ 40', w.orchestrator.commands_per_job <= 40),
    ])
    rows.push(['Lua scripts (EVALSHA) / job', `${w.orchestrator.scripts_per_job}`, `${w.bare.scripts_per_job}`, '', ''])
  }
  if (!failed('e2e_latency')) {
    const l = results.e2e_latency
    rows.push([
      `enqueue → completed p50 / p99 ms (${l.in_flight} in flight)`,
      `${l.flashcard.p50_ms} / ${l.flashcard.p99_ms}`,
      `${l.bare.p50_ms} / ${l.bare.p99_ms} bare BullMQ`,
      `${(l.flashcard.p50_ms / l.bare.p50_ms).toFixed(1)}×`,
      '',
    ])
  }
  if (!failed('read_scale')) {
    const r = results.read_scale
    const p99 = r.list_by_module.p99_ms
    rows.push([`GET jobs?module_id= p50 / p99 ms`, `${r.list_by_module.p50_ms} / ${p99}`, `${r.jobs} jobs, ${r.tenants} tenants`, '', goal('p99 < 50 ms', p99 < 50)])
    rows.push([`  health / metrics p99 ms`, `${r.health.p99_ms} / ${r.metrics.p99_ms}`, `Redis ${r.redis_used_memory_mb} MB`, '', ''])
  }
  if (!failed('scaling')) {
    for (const run of results.scaling.runs) {
      const label = run.processes > 1 ? `${run.processes} processes × c=${run.concurrency_per_process}` : `c=${run.concurrency_per_process}`
      rows.push([`200 ms model, ${label} jobs/s`, `${run.jobs_per_second}`, `${run.ideal_jobs_per_second} ideal`, pct(run.efficiency), goal('≥ 90 %', run.efficiency >= 0.9)])
    }
  }
  if (!failed('offline')) {
    const o = results.offline
    rows.push([`offline provider (${o.modules} modules, ${o.words} words)`, `${o.words_per_second} words/s`, `${o.cards_per_second} cards/s`, '', ''])
  }
  if (!failed('llm_cost')) {
    const c = results.llm_cost
    rows.push(['LLM calls / module, / card', `${c.first_run.calls_per_module}, ${c.first_run.calls_per_card}`, `${c.first_run.calls} calls, ${c.first_run.cards} cards`, '', ''])
    rows.push(['tokens in+out / module, / card', `${c.first_run.prompt_tokens_per_module}+${c.first_run.completion_tokens_per_module}, ${c.first_run.tokens_per_card}`, '', '', ''])
    rows.push(['LLM calls on re-run (cache)', `${c.re_run.calls}`, `${c.re_run.cached_stages} cached stages`, '', goal('= 0', c.re_run.calls === 0)])
  }
  if (!failed('memory')) {
    const m = results.memory
    rows.push([
      `worker RSS MB over ${m.jobs} jobs`,
      `${m.worker_rss_mb.after_warmup} → ${m.worker_rss_mb.after_jobs}`,
      `peak ${m.worker_rss_mb.peak}`,
      `${(m.rss_growth * 100).toFixed(1)} %`,
      goal('< 10 %', m.rss_growth < 0.1),
    ])
    rows.push(['Redis used_memory MB after', `${m.redis.used_memory_after_mb}`, `${m.redis.used_memory_empty_mb} empty`, '', 'bounded'])
    rows.push(['  of which stage cache', `${m.redis.stage_cache_mb} MB, ${m.redis.stage_cache_keys} keys`, `${m.redis.completed_jobs_kept} completed jobs kept`, '', ''])
    rows.push(['  of which decks', `${m.redis.deck_mb} MB, ${m.redis.deck_keys} keys`, 'kept: retention never removes decks', '', ''])
  }
  if (!failed('quality')) {
    for (const [name, q] of Object.entries<any>(results.quality.providers)) {
      rows.push([`quality ${name}: cards, count acc.`, `${q.cards}, ${pct(q.count_accuracy)}`, `target ${results.quality.target_card_count}/module`, '', ''])
      rows.push([`  grounded / leak / dup / near-dup`, `${pct(q.grounding_rate)} / ${pct(q.leakage_rate)} / ${pct(q.duplicate_rate)} / ${pct(q.near_duplicate_rate)}`, '', '', ''])
      rows.push([`  answer words p50 / p90 / max`, `${q.answer_words.p50} / ${q.answer_words.p90} / ${q.answer_words.max}`, `${pct(q.atomic_rate)} ≤ 8 words`, '', ''])
    }
    for (const [course, byProvider] of Object.entries<any>(results.quality.per_course ?? {})) {
      const q = byProvider.offline
      if (!q) continue
      rows.push([
        `  offline ${course}: count (400+ words; all) / lint / grounded`,
        `${pct(q.count_accuracy_sized ?? q.count_accuracy)} (${pct(q.count_accuracy)}) / ${pct(q.lint_flagged_rate)} / ${pct(q.grounding_rate)}`,
        q.coverage ? `coverage ${q.coverage.matched}/${q.coverage.references}` : '',
        '',
        '≥ 95 / ≤ 10 / 100 %',
      ])
      rows.push([
        `    same-fact / weak blank / stem leak / long / misdef.`,
        [q.same_fact_rate, q.weak_blank_rate, q.stem_leak_rate, q.long_front_rate, q.misdefinition_rate].map(pct).join(' / '),
        '',
        '',
        'same-fact ≤ 2 %',
      ])
    }
  }
  const header: Row = ['measure', 'flashcard', 'baseline', 'ratio', 'target']
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)))
  const line = (row: Row) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
