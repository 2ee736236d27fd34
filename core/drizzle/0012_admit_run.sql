-- Run admission in one round trip (core/src/domain/limits.ts calls these; the logic lives here).
--
-- Runs holding a slot of their workspace: admitted and not finished, except while they wait durably
-- (a wait step, an approval, a called workflow): those use no worker, and a workspace with a hundred
-- runs waiting for approval must still run its other work. Admission, the promoter and Settings ->
-- Usage all count with this one function.
CREATE FUNCTION "conduit_runs_in_flight"(ws uuid) RETURNS integer LANGUAGE sql STABLE AS $$
  select count(*)::int from workflow_executions f
   where f.workspace_id = ws and f.status in ('pending', 'running') and f.admitted_at is not null
     and not exists (select 1 from execution_steps s where s.execution_id = f.id and s.status = 'running'
                       and s.action_type in ('wait', 'wait_for_approval', 'call_workflow'))
$$;--> statement-breakpoint
-- The lock every admission decision of one workspace takes (the promoter takes it too).
CREATE FUNCTION "conduit_lock_run_slots"(ws uuid) RETURNS void LANGUAGE sql VOLATILE AS $$
  select pg_advisory_xact_lock(hashtextextended('run-slots:' || ws::text, 0))
$$;--> statement-breakpoint
-- Takes a slot for a pending run: counts it toward the month's quota, then admits it, or queues it
-- (queueable and the workspace at its concurrent-run limit), or refuses it (quota used up). Asking
-- again for the same run changes nothing. When the workspace has a quota or (for a queueable run) a
-- concurrent-run limit, decisions of that workspace are serialized by the lock, taken before the
-- counting query: a PL/pgSQL statement sees what was committed before it began, so the count
-- includes every admission that held the lock earlier. The lock is held until this statement's
-- transaction commits, which is at once: no client round trip happens while it is held. A workspace
-- without such limits has nothing to serialize and takes no lock.
CREATE FUNCTION "conduit_admit_run"(p_ws uuid, p_exec uuid, p_queueable boolean, p_month text, p_warn_share float8)
RETURNS TABLE (decision text, quota integer, runs integer, warn boolean) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  IF EXISTS (select 1 from workspaces w where w.id = p_ws
              and (w.monthly_run_quota is not null or (p_queueable and w.max_concurrent_runs is not null))) THEN
    PERFORM conduit_lock_run_slots(p_ws);
  END IF;
  RETURN QUERY
    with w as (
      select w.id, w.max_concurrent_runs as lim, w.monthly_run_quota as quota,
             coalesce((select u.runs from workspace_usage u where u.workspace_id = w.id and u.month = p_month), 0) as runs,
             case when p_queueable and w.max_concurrent_runs is not null then conduit_runs_in_flight(w.id) else 0 end as in_flight
        from workspaces w where w.id = p_ws
    ), e as (
      select status, admitted_at from workflow_executions where id = p_exec and workspace_id = p_ws
    ), d as (
      select w.*, case
               when (select status from e) = 'queued' then 'queued'
               when (select admitted_at from e) is not null then 'admitted'
               when w.quota is not null and w.runs >= w.quota then 'refused'
               when p_queueable and w.lim is not null and w.in_flight >= w.lim then 'queued'
               else 'admitted' end as decision,
             (select status from e) = 'pending' and (select admitted_at from e) is null as fresh
        from w
    ), x as (
      -- Data-modifying parts run whether or not the final select reads them.
      update workflow_executions set
             admitted_at = case when d.decision = 'admitted' then now() else null end,
             status = case when d.decision = 'queued' then 'queued' else workflow_executions.status end
        from d
       where workflow_executions.id = p_exec and d.fresh and d.decision <> 'refused'
      returning 1
    ), u as (
      insert into workspace_usage (workspace_id, month, runs)
      select d.id, p_month, 1 from d where d.fresh and d.decision <> 'refused'
      on conflict (workspace_id, month) do update set runs = workspace_usage.runs + 1
      returning runs
    ), warned as (
      update workspaces set quota_warned_month = p_month
        from d, u
       where workspaces.id = d.id and d.quota is not null and u.runs >= ceil(d.quota * p_warn_share)
         and workspaces.quota_warned_month is distinct from p_month
      returning 1
    )
    select d.decision::text, d.quota::int, coalesce((select runs from u), d.runs)::int, exists (select 1 from warned)
      from d;
END
$$;
