import type { Context } from 'hono';
import { z } from 'zod';
import { translate } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { doc } from '../lib/openapi.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { keepPlace } from '../services/signups/lapse.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

/** The "still interested?" link: GET asks (and changes nothing), the button POSTs. */
async function answer(c: Context<AppEnv>, keep: boolean) {
  let found;
  try {
    found = await keepPlace(c.get('deps'), c.req.param('token')!, keep);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
    throw error;
  }
  const { signup, shop, item, position } = found;
  const t = (key: Parameters<typeof translate>[1]) => translate(signup.locale, key, { item, position: position ?? '' }, shop.settings.strings);
  const body =
    position === null ? (
      <p>{t('page.keep.gone')}</p>
    ) : keep ? (
      <p>{t('page.keep.done')}</p>
    ) : (
      <form method="post">
        <p>{t('page.keep.question')}</p>
        <button type="submit">{t('page.keep.button')}</button>
      </form>
    );
  return c.html(page({ title: t('page.keep.title'), shop: shop.name, lang: signup.locale, children: body }), position === null && keep ? 409 : 200);
}

export const keepRoutes = createRouter()
  .get('/keep/:token', doc('Links', 'token', 'The "still interested?" page of signupTtl (changes nothing).', { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) => answer(c, false))
  .post('/keep/:token', doc('Links', 'token', 'Keeps the place in line: the signupTtl clock starts again.', { 200: { description: 'HTML page' }, 409: { description: 'No longer in line' } }), validate('param', tokenParam), (c) => answer(c, true));
