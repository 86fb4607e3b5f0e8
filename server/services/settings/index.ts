export { settingsSchema, settingsPatchSchema, defaultSettings, smsCountries, type ShopSettings, type SettingsPatch } from './schema.ts';
export { mergeSettings, updateSettings, presentSettings, refuseClosedUrls } from './update.ts';
