import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@solidjs/testing-library';
import { TRIGGER_TYPES } from '@conduit/core/definition';
import { TRIGGER_FORMS, TriggerForm } from '../src/editor/triggers/TriggerForm';
import { nextFireTimes } from '../src/editor/triggers/ScheduleForm';
import { baseDraft, renderEditor } from './harness';

const typeInto = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

describe('trigger forms', () => {
  it('has a form for every trigger type core lists', () => {
    expect(Object.keys(TRIGGER_FORMS).sort()).toEqual([...TRIGGER_TYPES].sort());
  });

  it('offers all six trigger types and swaps the form when the type changes', () => {
    const { draft } = renderEditor(baseDraft(), () => <TriggerForm />);
    const select = screen.getByLabelText('When') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(TRIGGER_TYPES);
    expect(screen.getByLabelText('Field')).toBeTruthy();
    fireEvent.change(select, { target: { value: 'webhook' } });
    expect(draft().trigger).toEqual({ type: 'webhook', auth: { mode: 'none' }, allowGet: false });
    expect((screen.getByLabelText('Webhook URL') as HTMLInputElement).value).toBe(`${location.origin}/hooks/hook123`);
    fireEvent.change(select, { target: { value: 'record_deleted' } });
    expect(draft().trigger).toEqual({ type: 'record_deleted', object: 'deal' });
    expect(screen.queryByLabelText('Webhook URL')).toBeNull();
  });

  it('schedule: lists the next five fire times, and refuses an invalid cron inline', () => {
    const { draft } = renderEditor(baseDraft({ trigger: { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Paris' } }), () => <TriggerForm />);
    const times = within(screen.getByTestId('fire-times')).getAllByRole('listitem');
    expect(times).toHaveLength(5);
    const cron = screen.getByLabelText('Cron expression');
    typeInto(cron, '0 9 * *');
    expect(draft().trigger).toMatchObject({ cron: '0 9 * *' });
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/a cron expression has 5 fields .*; this one has 4/)).toBeTruthy();
    expect(screen.queryByTestId('fire-times')).toBeNull();
    // Valid syntax, but no such day: said next to the field, not an empty list of fire times.
    typeInto(cron, '0 9 31 2 *');
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('this schedule never fires: that day does not exist in that month')).toBeTruthy();
  });

  it('schedule: fire times are at 09:00 on weekdays in the chosen zone', () => {
    const times = nextFireTimes('0 9 * * 1-5', 'America/New_York');
    expect(Array.isArray(times)).toBe(true);
    for (const d of times as Date[]) {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(d);
      const get = (t: string) => parts.find((p) => p.type === t)?.value;
      expect(`${get('hour')}:${get('minute')}`).toBe('09:00');
      expect(['Sat', 'Sun']).not.toContain(get('weekday'));
    }
    expect(nextFireTimes('0 9 * * 1-5', 'Mars/Olympus')).toBe('unknown time zone');
  });

  it('schedule: an unknown time zone is shown next to the zone field', () => {
    renderEditor(baseDraft({ trigger: { type: 'schedule', cron: '*/5 * * * *', timezone: 'UTC' } }), () => <TriggerForm />);
    const tz = screen.getByLabelText('Time zone');
    typeInto(tz, 'Europe/Atlantis');
    expect(tz.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/unknown time zone/)).toBeTruthy();
  });

  it('field changed: object and field are checked with the core schema, from/to parse as JSON values', () => {
    const { draft } = renderEditor(baseDraft(), () => <TriggerForm />);
    const object = screen.getByLabelText('Object');
    typeInto(object, 'Deal');
    expect(object.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/use lowercase letters/)).toBeTruthy();
    typeInto(object, 'deal');
    expect(object.getAttribute('aria-invalid')).toBeNull();
    typeInto(screen.getByLabelText('From (optional)'), '10');
    typeInto(screen.getByLabelText('To (optional)'), 'won');
    expect(draft().trigger).toEqual({ type: 'field_changed', object: 'deal', field: 'stage', from: 10, to: 'won' });
    typeInto(screen.getByLabelText('From (optional)'), '');
    expect(draft().trigger).not.toHaveProperty('from');
  });

  it('webhook: choosing header auth asks for a header name and validates it', () => {
    const { draft } = renderEditor(baseDraft({ trigger: { type: 'webhook', auth: { mode: 'none' }, allowGet: false } }), () => <TriggerForm />);
    fireEvent.change(screen.getByLabelText('Authentication'), { target: { value: 'header' } });
    const header = screen.getByLabelText('Header name');
    expect(draft().trigger).toMatchObject({ auth: { mode: 'header', headerName: 'X-Webhook-Secret' } });
    typeInto(header, 'bad header!');
    expect(header.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('button', { name: 'Rotate secret' })).toBeTruthy();
  });
});
