// Wall-clock times in the user's time zone (X2), which need not be the
// browser's: the scheduled-send picker shows and reads them.

function offsetAt(date, zone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date).map((x) => [x.type, x.value]));
  const asUTC = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUTC - Math.floor(date.getTime() / 1000) * 1000;
}

// zonedToUTC reads "2026-12-01T09:00" as a time in zone.
export function zonedToUTC(value, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value || '');
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // twice, for the hour a daylight-saving change moves
  let t = guess - offsetAt(new Date(guess), zone);
  t = guess - offsetAt(new Date(t), zone);
  return new Date(t);
}

// zonedInput is the value of a datetime-local input showing date in zone.
export function zonedInput(date, zone) {
  const local = new Date(date.getTime() + offsetAt(date, zone));
  return local.toISOString().slice(0, 16);
}
