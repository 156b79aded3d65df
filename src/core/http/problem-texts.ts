/**
 * The words of the API's problems in the languages it speaks. Problems are raised in English
 * everywhere (the source language of every module); when a client prefers another language that
 * has a catalogue here, the title, the detail and each field message are translated on the way
 * out. Machine fields — `type`, `status`, field paths, extensions — never change, so a client can
 * always rely on them whatever language it asked for.
 */

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The best language of ours for an `Accept-Language` header (RFC 9110 §12.5.4): ranges by
 * descending weight, `fr-CA` matching `fr`, `*` meaning the default; English when nothing fits.
 */
export function preferredLanguage(header: string | string[] | undefined): Language {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranges = text
    .split(',')
    .map((part, order) => {
      const [range, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: range.split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.base && r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { base } of ranges) {
    if (base === '*') return 'en';
    const found = LANGUAGES.find((l) => l === base);
    if (found) return found;
  }
  return 'en';
}

/** French for each problem title (RFC 9110 reason phrases as the API uses them). */
const TITLES_FR: Record<string, string> = {
  'Bad Request': 'Requête invalide',
  Unauthorized: 'Authentification requise',
  Forbidden: 'Action non autorisée',
  'Not Found': 'Introuvable',
  Conflict: 'Conflit',
  'Payload Too Large': 'Contenu trop volumineux',
  'Unsupported Media Type': 'Type de contenu non pris en charge',
  'Unprocessable Entity': 'Demande impossible à traiter',
  'Too Many Requests': 'Trop de requêtes',
  'Internal Server Error': 'Erreur interne du serveur',
  'Service Unavailable': 'Service indisponible',
};

/** French for the fixed texts of problems: field messages and details, exactly as the API writes them. */
const TEXTS_FR: Record<string, string> = {
  // Core
  'unknown field': 'champ inconnu',
  'unknown parameter': 'paramètre inconnu',
  invalid: 'valeur invalide',
  'Authentication required': 'Authentification requise',
  'You are not allowed to do this': 'Vous n’êtes pas autorisé à faire ceci',
  'Invalid, expired or revoked credentials': 'Identifiants invalides, expirés ou révoqués',
  'Your role is read-only': 'Votre rôle est en lecture seule',
  'Change your temporary password first': 'Changez d’abord votre mot de passe temporaire',
  'This account is deactivated': 'Ce compte est désactivé',
  'This credential cannot be used here': 'Ces identifiants ne peuvent pas être utilisés ici',
  'no such record in this organization': 'aucun enregistrement de ce type dans cette organisation',
  'Text contains a character that cannot be stored (NUL)':
    'Le texte contient un caractère qui ne peut pas être enregistré (NUL)',
  'A value has the wrong format or is out of range': 'Une valeur a un mauvais format ou est hors limites',
  'Concurrent update, please retry': 'Modification simultanée : veuillez réessayer',
  'must be an integer id': 'doit être un identifiant entier',
  'must be a UUID': 'doit être un UUID',
  'must be an ISO 8601 date-time with offset': 'doit être une date et heure ISO 8601 avec décalage',
  'must be an IANA time zone such as Europe/Paris':
    'doit être un fuseau horaire IANA, par exemple Europe/Paris',
  'unknown IANA timezone': 'fuseau horaire IANA inconnu',
  'must be a day like 2025-06-01': 'doit être un jour comme 2025-06-01',
  'not a calendar date': 'n’est pas une date du calendrier',
  'out of range': 'hors limites',
  'not a cursor returned by this list': 'n’est pas un curseur renvoyé par cette liste',
  'must be a valid boolean': 'doit être un booléen valide',
  empty: 'vide',
  missing: 'manquant',
  'listed twice': 'présent deux fois',
  'in the future': 'dans le futur',
  'is in the future': 'est dans le futur',
  'must be in the future': 'doit être dans le futur',
  'must be after the start': 'doit être après le début',
  'must be an absolute URL': 'doit être une URL absolue',
  'must be next or previous': 'doit être next ou previous',
  // Accounts and organization
  'is not your current password': 'n’est pas votre mot de passe actuel',
  'must differ from the current password': 'doit être différent du mot de passe actuel',
  'is not a member of this organization': 'n’est pas membre de cette organisation',
  'lowercase letters, digits and dashes, 1-63 characters':
    'lettres minuscules, chiffres et tirets, de 1 à 63 caractères',
  'owners are Admin': 'les propriétaires sont Admin',
  'at least one unit': 'au moins une unité',
  'already exists in this unit': 'existe déjà dans cette unité',
  'already exists': 'existe déjà',
  'already in use': 'déjà utilisé',
  'already registered': 'déjà enregistré',
  'already taken': 'déjà pris',
  'already used': 'déjà utilisé',
  'no such unit': 'unité inexistante',
  'no such section': 'section inexistante',
  // Events
  'already assigned in this event': 'a déjà un rôle dans cet événement',
  'already used in this event': 'déjà utilisé dans cet événement',
  'assign the event role first': 'attribuez d’abord le rôle dans l’événement',
  'outside the event': 'en dehors des dates de l’événement',
  'overlaps another session in this room': 'chevauche une autre session dans cette salle',
  'overlaps another room slot of this user': 'chevauche un autre créneau de salle de cette personne',
  'capacity below occupancy': 'capacité inférieure au nombre de personnes présentes',
  'no such room in this event': 'aucune salle de ce type dans cet événement',
  'no such participant in this event': 'aucun participant de ce type dans cet événement',
  'a conference has no price': 'une conférence n’a pas de prix',
  'a conference is free for every participant': 'une conférence est gratuite pour chaque participant',
  'a free atelier has no price (set is_paid)': 'un atelier gratuit n’a pas de prix (indiquez is_paid)',
  'a paid atelier needs a price above 0': 'un atelier payant demande un prix supérieur à 0',
  'unknown payment status': 'statut de paiement inconnu',
  'an exposant cannot scan their own badge': 'un exposant ne peut pas scanner son propre badge',
  'not an exposant': 'n’est pas un exposant',
  'not an authentic badge': 'n’est pas un badge authentique',
  'badge of another event': 'badge d’un autre événement',
  'unknown badge': 'badge inconnu',
  'a forced entry needs a reason': 'une entrée forcée demande un motif',
  'a forced entry goes in': 'une entrée forcée fait entrer',
  'only with force: true': 'seulement avec force: true',
  'give the QR payload or the badge_id, one of them': 'donnez le contenu du QR ou le badge_id, l’un des deux',
  // Monitoring
  'performer is inactive': 'l’intervenant est inactif',
  'not an active assignment of this group': 'n’est pas une affectation active de ce groupe',
  'must be below battery_warning_percent': 'doit être inférieur à battery_warning_percent',
  'give assignment_ids or monitoring_group_id': 'donnez assignment_ids ou monitoring_group_id',
  'give exactly one of monitoring_group_id and location_id':
    'donnez exactement un de monitoring_group_id et location_id',
  'give alert_enabled or at least one alert_on_* toggle':
    'donnez alert_enabled ou au moins une option alert_on_*',
  // Signage and files
  'asset not found': 'contenu introuvable',
  'playlist not found': 'liste de lecture introuvable',
  'screen not found': 'écran introuvable',
  'duplicate asset': 'contenu en double',
  'an asset is listed twice': 'un contenu est présent deux fois',
  'must be an image asset': 'doit être un contenu image',
  'must be image, video, webpage or streaming': 'doit être image, video, webpage ou streaming',
  'this asset is a link, not an uploaded file': 'ce contenu est un lien, pas un fichier envoyé',
  'name at least one screen, or omit it': 'nommez au moins un écran, ou omettez ce champ',
  'empty file': 'fichier vide',
  'unrecognised content': 'contenu non reconnu',
  'a file part is required': 'une partie fichier est requise',
  'No file uploaded.': 'Aucun fichier envoyé.',
  'an uploaded file is an image or a video': 'un fichier envoyé est une image ou une vidéo',
  'must be an integer between 1 and 100000': 'doit être un entier entre 1 et 100000',
};

/** Words zod uses for the types it expected, in French. */
const TYPES_FR: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  bigint: 'un nombre entier',
  boolean: 'un booléen',
  array: 'une liste',
  object: 'un objet',
  date: 'une date',
  nan: 'NaN',
};

const typeFr = (word: string) => TYPES_FR[word] ?? word;

/** The things a `… not found` detail names, in French. */
const ENTITIES_FR: Record<string, string> = {
  resource: 'Ressource',
  user: 'Utilisateur',
  member: 'Membre',
  organization: 'Organisation',
  invitation: 'Invitation',
  'api key': 'Clé d’API',
  event: 'Événement',
  room: 'Salle',
  session: 'Session',
  participant: 'Participant',
  exposant: 'Exposant',
  badge: 'Badge',
  visit: 'Visite',
  question: 'Question',
  announcement: 'Annonce',
  unit: 'Unité',
  department: 'Département',
  section: 'Section',
  performer: 'Intervenant',
  device: 'Appareil',
  command: 'Commande',
  photo: 'Photo',
  asset: 'Contenu',
  playlist: 'Liste de lecture',
  screen: 'Écran',
  pairing: 'Appairage',
  'pairing code': 'Code d’appairage',
  'display link': 'Lien d’affichage',
  'emergency message': 'Message d’urgence',
  'stand plan': 'Plan de stand',
  subscription: 'Abonnement',
};

/**
 * Texts that carry values (a limit, a field name, a type): the validator's English shapes and the
 * services' parameterised messages, each with its French. Tried in order, first match wins.
 */
const PATTERNS_FR: Array<[RegExp, (...groups: string[]) => string]> = [
  [/^Too small: expected string to have >=1 characters$/, () => 'obligatoire'],
  [
    /^Too small: expected string to have >(=?)(\d+) characters$/,
    (eq, n) => `au moins ${more(eq, n)} caractères`,
  ],
  [
    /^Too big: expected string to have <(=?)(\d+) characters$/,
    (eq, n) => `au plus ${less(eq, n)} caractères`,
  ],
  [/^Too small: expected array to have >(=?)(\d+) items$/, (eq, n) => `au moins ${more(eq, n)} élément(s)`],
  [/^Too big: expected array to have <(=?)(\d+) items$/, (eq, n) => `au plus ${less(eq, n)} élément(s)`],
  [/^Too small: expected \w+ to be >=(-?[\d.e+]+)$/, (n) => `doit être supérieur ou égal à ${n}`],
  [/^Too small: expected \w+ to be >(-?[\d.e+]+)$/, (n) => `doit être supérieur à ${n}`],
  [/^Too big: expected \w+ to be <=(-?[\d.e+]+)$/, (n) => `doit être inférieur ou égal à ${n}`],
  [/^Too big: expected \w+ to be <(-?[\d.e+]+)$/, (n) => `doit être inférieur à ${n}`],
  [/^Invalid input: expected \w+, received (undefined|null)$/, () => 'obligatoire'],
  [/^Invalid input: expected (\w+), received (\w+)$/, (want) => `${typeFr(want)} est attendu`],
  [/^Invalid input: expected (\w+)$/, (want) => `${typeFr(want)} est attendu`],
  [/^Invalid input$/, () => 'valeur invalide'],
  [/^Invalid ISO datetime$/, () => 'doit être une date et heure ISO 8601'],
  [/^Invalid ISO date$/, () => 'doit être une date ISO 8601'],
  [/^Invalid email address$/, () => 'adresse e-mail invalide'],
  [/^Invalid URL$/, () => 'URL invalide'],
  [/^Invalid UUID$/, () => 'UUID invalide'],
  [/^Invalid string: must match pattern .*$/, () => 'format invalide'],
  [/^Invalid option: expected one of (.+)$/, (values) => `choix invalide : une valeur parmi ${values}`],
  [/^Unrecognized keys?: (.+)$/, (keys) => `champ inconnu : ${keys}`],
  [/^must be after (\w+)$/, (field) => `doit être après ${field}`],
  [/^must not be before (\w+)$/, (field) => `ne doit pas être avant ${field}`],
  [/^must be at least (\d+) characters$/, (n) => `doit contenir au moins ${n} caractères`],
  [/^(.+) not found$/, (what) => `${ENTITIES_FR[what.toLowerCase()] ?? what} introuvable`],
  [
    /^Refers to something that does not exist \((.+)\)$/,
    (c) => `Fait référence à un élément inexistant (${c})`,
  ],
  [/^Already exists \((.+)\)$/, (c) => `Existe déjà (${c})`],
  [/^Overlaps an existing entry \((.+)\)$/, (c) => `Chevauche une entrée existante (${c})`],
  [/^Refused by a business rule \((.+)\)$/, (c) => `Refusé par une règle métier (${c})`],
  [/^Unexpected error \(request (.+)\)$/, (id) => `Erreur inattendue (requête ${id})`],
  [/^No route (\w+) (.+)$/, (method, url) => `Aucune route ${method} ${url}`],
];

/** `>5` on integers reads `at least 6`; `>=5` reads `at least 5`. */
const more = (eq: string, n: string) => (eq ? n : String(Number(n) + 1));
const less = (eq: string, n: string) => (eq ? n : String(Number(n) - 1));

/** One text in `lang`: the exact catalogue entry, else a matching pattern, else the English as written. */
export function problemText(text: string, lang: Language): string {
  if (lang === 'en') return text;
  const exact = TITLES_FR[text] ?? TEXTS_FR[text];
  if (exact) return exact;
  for (const [re, make] of PATTERNS_FR) {
    const m = re.exec(text);
    if (m) return make(...m.slice(1));
  }
  return text;
}

export interface ProblemBody {
  title: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  [member: string]: unknown;
}

const VALIDATION_PREFIX = 'Invalid request: ';

/**
 * A problem body in `lang`: title, detail and field messages; a validation summary is written
 * again from the translated field messages so it reads in one language.
 */
export function localizeProblem<P extends ProblemBody>(body: P, lang: Language): P {
  if (lang === 'en') return body;
  const errors = body.errors?.map((e) => ({ ...e, message: problemText(e.message, lang) }));
  const detail =
    errors && body.detail.startsWith(VALIDATION_PREFIX)
      ? `Requête invalide : ${errors.map((e) => `${e.path} ${e.message}`).join(' ; ')}`
      : localizedDetail(body.detail, lang);
  return { ...body, title: problemText(body.title, lang), detail, ...(errors ? { errors } : {}) };
}

/** A detail such as `body.end_date: must be after start_date` keeps its path and translates the rest. */
function localizedDetail(detail: string, lang: Language): string {
  const field = /^((?:body|query|params|headers)\.[\w.]+|file): (.+)$/.exec(detail);
  if (field) return `${field[1]} : ${problemText(field[2], lang)}`;
  return problemText(detail, lang);
}
