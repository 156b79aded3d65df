/**
 * The words of the API's problems in the languages it speaks. A problem whose text carries values
 * (a name, a limit, a time) is raised as a phrase: a code from `PHRASES` and its parameters, worded
 * from the template of the client's language. Fixed texts are raised in English (the source
 * language of every module) and translated by their exact text on the way out. Machine fields —
 * `type`, `status`, field paths, extensions — never change, so a client can always rely on them
 * whatever language it asked for.
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
  [/^(.+) not found$/, (what) => `${ENTITIES_FR[what.toLowerCase()] ?? what} introuvable`],
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

/**
 * Problem texts that carry values, by code: `{name}` is a parameter; `{name:iso}` writes a time as
 * an ISO instant, `{name:local}` as a date and time on its own clock, `{name:zone}` names that
 * clock. Every language uses the same parameters (no value is lost in translation). The English
 * is what clients have always read, so it does not change when a language is added.
 */
const PHRASES_EN = {
  field: '{path}: {message}',
  // Core
  'db.unique': 'Already exists ({constraint})',
  'db.reference': 'Refers to something that does not exist ({constraint})',
  'db.check': 'Refused by a business rule ({constraint})',
  'db.exclusion': 'Overlaps an existing entry ({constraint})',
  'http.unexpected': 'Unexpected error (request {request})',
  'http.noRoute': 'No route {method} {url}',
  'file.tooBig': 'File exceeds the {kib} KiB limit',
  'file.notAccepted': 'The file content is not an accepted type ({accepted})',
  'file.contentIs': 'content is {type}',
  'file.typeNotAccepted': 'type {type} is not accepted ({accepted})',
  'access.oneOf': 'one of {kinds}',
  'access.object': 'expected <kind>:<id>, kind one of {kinds}',
  // Accounts and organization
  'password.tooShort': 'must be at least {min} characters',
  'org.slugTaken': 'An organization with slug "{slug}" already exists',
  'user.usernameTaken': 'Username "{username}" is already taken',
  'user.emailTaken': 'Email "{email}" is already in use',
  'user.alreadyMember': '{who} is already a member of this organization',
  'user.notMember': 'user {user} is not a member of this organization',
  'user.ownerIsAdmin': '{username} owns the organization and is therefore Admin; change the membership first',
  'user.unitNotHeld':
    'You may only change assignments to units you are assigned to; {unit} is not one of them ({path})',
  'unit.codeUsed': 'Unit code "{code}" is already used',
  'unit.departmentExists': 'The unit already has a department "{name}"',
  'section.exists': 'A section "{name}" already exists',
  // Events
  'event.roleHeld': 'This user already holds the role {role} in this event',
  'event.roleMissing': 'User {user} does not hold the role {role} in this event',
  'event.notMemberInvite':
    '{who} is not a member of this organization; only its admins invite new people (then give the role here)',
  'room.nameTaken': 'A room named "{name}" already exists in this event',
  'room.capacityBelowOccupancy': 'Capacity {capacity} is below the current occupancy {occupancy}',
  'session.outsideEvent': 'The session must take place within the event ({start:iso} – {end:iso})',
  'session.roomTaken': 'The room is taken by "{title}" ({start:iso} – {end:iso})',
  'roomSlot.userBusy': 'User {user} is already assigned to a room from {start:iso} to {end:iso}',
  'import.unknownColumn': 'Unknown column "{column}": the columns are {columns}',
  'import.unknownColumnField': 'line 1: unknown column "{column}"',
  'import.columnTwice': 'The column {column} appears twice',
  'import.columnTwiceField': 'line 1: column {column} appears twice',
  'import.notCsv': 'The file is not valid CSV: {reason}',
  'import.tooManyRows': 'At most {max} rows per file (this one has {rows})',
  'import.tooManyRowsField': 'more than {max} rows',
  'import.rowsInError': '{rows} row(s) of the file are in error: nothing was imported',
  // Monitoring
  'performer.inactive': 'Performer {performer} is inactive and cannot be assigned',
  'performer.alreadyAssigned':
    'Performer {performer} is already assigned to unit {unit}: assignment {assignment}',
  'performer.alreadyAssignedField': 'already assigned (assignment {assignment})',
  'alert.already': 'Alert {alert} is already {state}',
  'board.cannotHold': 'The board of {group} cannot hold these slots',
  'receiver.taken': 'This receiver is already chassis {chassis}',
  'battery.levels': 'battery_critical_percent ({critical}) must be below battery_warning_percent ({warning})',
  // Signage
  'asset.listedTwice': 'Asset {asset} is listed twice',
  'asset.unknown': 'Unknown assets: {assets}',
  'asset.unknownId': 'Unknown asset id {asset}',
  'asset.scheme': 'must use {schemes} for a {type} asset',
  'screen.unknown': 'Unknown screens: {screens}',
  'screenGroup.unknown': 'Unknown screen groups: {groups}',
  'plan.limit': 'Plan limit reached: {limit} is {max} ({what})',
  'plan.limitField': 'limit of {max} reached',
  'plan.rate': "This organization's plan allows {limit} API requests per minute; retry in {seconds} s",
  'backup.lacksFile': 'The archive lacks the file of asset "{asset}"',
} as const;

export type PhraseCode = keyof typeof PHRASES_EN;

/** The same texts in French (typed from the English: a code missing here does not compile). */
const PHRASES_FR: Record<PhraseCode, string> = {
  field: '{path} : {message}',
  'db.unique': 'Existe déjà ({constraint})',
  'db.reference': 'Fait référence à un élément inexistant ({constraint})',
  'db.check': 'Refusé par une règle métier ({constraint})',
  'db.exclusion': 'Chevauche une entrée existante ({constraint})',
  'http.unexpected': 'Erreur inattendue (requête {request})',
  'http.noRoute': 'Aucune route {method} {url}',
  'file.tooBig': 'Le fichier dépasse la limite de {kib} Kio',
  'file.notAccepted': 'Le contenu du fichier n’est pas d’un type accepté ({accepted})',
  'file.contentIs': 'le contenu est {type}',
  'file.typeNotAccepted': 'le type {type} n’est pas accepté ({accepted})',
  'access.oneOf': 'une valeur parmi {kinds}',
  'access.object': '<type>:<id> est attendu, type parmi {kinds}',
  'password.tooShort': 'doit contenir au moins {min} caractères',
  'org.slugTaken': 'Une organisation avec l’identifiant « {slug} » existe déjà',
  'user.usernameTaken': 'Le nom d’utilisateur « {username} » est déjà pris',
  'user.emailTaken': 'L’adresse e-mail « {email} » est déjà utilisée',
  'user.alreadyMember': '{who} est déjà membre de cette organisation',
  'user.notMember': 'l’utilisateur {user} n’est pas membre de cette organisation',
  'user.ownerIsAdmin':
    '{username} est propriétaire de l’organisation, donc Admin ; modifiez d’abord son adhésion',
  'user.unitNotHeld':
    'Vous ne pouvez modifier que les affectations aux unités qui vous sont affectées ; {unit} n’en fait pas partie ({path})',
  'unit.codeUsed': 'Le code d’unité « {code} » est déjà utilisé',
  'unit.departmentExists': 'L’unité a déjà un service « {name} »',
  'section.exists': 'Une section « {name} » existe déjà',
  'event.roleHeld': 'Cette personne a déjà le rôle {role} dans cet événement',
  'event.roleMissing': 'L’utilisateur {user} n’a pas le rôle {role} dans cet événement',
  'event.notMemberInvite':
    '{who} n’est pas membre de cette organisation ; seuls ses administrateurs invitent de nouvelles personnes (donnez ensuite le rôle ici)',
  'room.nameTaken': 'Une salle nommée « {name} » existe déjà dans cet événement',
  'room.capacityBelowOccupancy':
    'La capacité {capacity} est inférieure au nombre de personnes présentes ({occupancy})',
  'session.outsideEvent':
    'La session doit avoir lieu pendant l’événement (du {start:local} au {end:local}, heure de {start:zone})',
  'session.roomTaken':
    'La salle est occupée par « {title} » (du {start:local} au {end:local}, heure de {start:zone})',
  'roomSlot.userBusy':
    'L’utilisateur {user} a déjà une salle du {start:local} au {end:local} (heure de {start:zone})',
  'import.unknownColumn': 'Colonne inconnue « {column} » : les colonnes sont {columns}',
  'import.unknownColumnField': 'ligne 1 : colonne inconnue « {column} »',
  'import.columnTwice': 'La colonne {column} apparaît deux fois',
  'import.columnTwiceField': 'ligne 1 : la colonne {column} apparaît deux fois',
  'import.notCsv': 'Le fichier n’est pas un CSV valide : {reason}',
  'import.tooManyRows': 'Au plus {max} lignes par fichier (celui-ci en a {rows})',
  'import.tooManyRowsField': 'plus de {max} lignes',
  'import.rowsInError': '{rows} ligne(s) du fichier sont en erreur : rien n’a été importé',
  'performer.inactive': 'L’intervenant {performer} est inactif et ne peut pas être affecté',
  'performer.alreadyAssigned':
    'L’intervenant {performer} est déjà affecté au micro {unit} : affectation {assignment}',
  'performer.alreadyAssignedField': 'déjà affecté (affectation {assignment})',
  'alert.already': 'L’alerte {alert} est déjà à l’état {state}',
  'board.cannotHold': 'Le tableau de {group} ne peut pas contenir ces emplacements',
  'receiver.taken': 'Ce récepteur est déjà le châssis {chassis}',
  'battery.levels':
    'battery_critical_percent ({critical}) doit être inférieur à battery_warning_percent ({warning})',
  'asset.listedTwice': 'Le contenu {asset} est présent deux fois',
  'asset.unknown': 'Contenus inconnus : {assets}',
  'asset.unknownId': 'Identifiant de contenu inconnu {asset}',
  'asset.scheme': 'doit utiliser {schemes} pour un contenu {type}',
  'screen.unknown': 'Écrans inconnus : {screens}',
  'screenGroup.unknown': 'Groupes d’écrans inconnus : {groups}',
  'plan.limit': 'Limite du forfait atteinte : {limit} vaut {max} ({what})',
  'plan.limitField': 'limite de {max} atteinte',
  'plan.rate':
    'Le forfait de cette organisation permet {limit} requêtes d’API par minute ; réessayez dans {seconds} s',
  'backup.lacksFile': 'L’archive ne contient pas le fichier du contenu « {asset} »',
};

const PHRASES: Record<Language, Record<PhraseCode, string>> = { en: PHRASES_EN, fr: PHRASES_FR };

/** A moment and the clock it is told on (an event's zone). */
export interface ZonedTime {
  at: Date;
  zone: string;
}

export type PhraseValue = string | number | Date | ZonedTime | Phrase;

/** A problem text with values: a code of `PHRASES` and its parameters, worded in the client's language. */
export interface Phrase {
  readonly code: PhraseCode;
  readonly params: Readonly<Record<string, PhraseValue>>;
}

/** What a problem's detail or field message is raised as: fixed English text, or a phrase. */
export type ProblemText = string | Phrase;

/** The parameter names of a template: `{title}` and `{start:iso}` give `title | start`. */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${infer N}:${string}` ? N : P) | ParamNames<Rest>
  : never;

export type PhraseParams<C extends PhraseCode> = Record<ParamNames<(typeof PHRASES_EN)[C]>, PhraseValue>;

const PLACEHOLDER = /\{(\w+)(?::(\w+))?\}/g;

/** The parameter names a template uses, each once. */
export const templateParams = (template: string) =>
  [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();

/**
 * A phrase for a problem: `conflict(phrase('room.nameTaken', { name }))`. A parameter missing at run
 * time (a value that is `undefined` despite its type) is a programming error, thrown here.
 */
export function phrase<C extends PhraseCode>(code: C, params: PhraseParams<C>): Phrase {
  const given = params as Record<string, PhraseValue | undefined>;
  for (const lang of LANGUAGES) {
    const missing = templateParams(PHRASES[lang][code]).filter((name) => given[name] === undefined);
    if (missing.length) throw new Error(`problem text ${code} (${lang}) needs ${missing.join(', ')}`);
  }
  return { code, params };
}

export const isPhrase = (text: ProblemText): text is Phrase => typeof text !== 'string';

const isZoned = (v: PhraseValue): v is ZonedTime => typeof v === 'object' && 'at' in v && 'zone' in v;

/** `03/12/2026 09:00` on the zone's clock, written the language's way. */
function localTime(v: ZonedTime, lang: Language): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: v.zone,
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(v.at);
}

function formatValue(v: PhraseValue, format: string | undefined, lang: Language): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (isZoned(v)) {
    if (format === 'iso') return v.at.toISOString();
    if (format === 'zone') return v.zone;
    return localTime(v, lang);
  }
  return wordIn(v, lang);
}

/** A phrase worded in `lang`, its values inserted. */
export function wordIn(p: Phrase, lang: Language): string {
  return PHRASES[lang][p.code].replace(PLACEHOLDER, (_, name: string, format?: string) => {
    const value = p.params[name];
    if (value === undefined) throw new Error(`problem text ${p.code} (${lang}) needs ${name}`);
    return formatValue(value, format, lang);
  });
}

/** A problem text in `lang`: a phrase from its template, a fixed text from the catalogue. */
export const textIn = (text: ProblemText, lang: Language) =>
  isPhrase(text) ? wordIn(text, lang) : problemText(text, lang);

/** The codes and templates of every language, for the test that checks they agree. */
export const phraseCatalogues = (): Record<Language, Readonly<Record<string, string>>> => PHRASES;

export interface ProblemBody {
  title: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  [member: string]: unknown;
}

/** The texts a problem was raised with, when they hold phrases (the body has their English). */
export interface ProblemTexts {
  detail: ProblemText;
  errors?: Array<{ message: ProblemText }>;
}

const VALIDATION_PREFIX = 'Invalid request: ';

/**
 * A problem body in `lang`: title, detail and field messages (from their phrases when raised as
 * such); a validation summary is written again from the translated field messages so it reads in
 * one language.
 */
export function localizeProblem<P extends ProblemBody>(body: P, lang: Language, texts?: ProblemTexts): P {
  if (lang === 'en') return body;
  const errors = body.errors?.map((e, i) => ({
    ...e,
    message: textIn(texts?.errors?.[i]?.message ?? e.message, lang),
  }));
  const detail =
    errors && body.detail.startsWith(VALIDATION_PREFIX)
      ? `Requête invalide : ${errors.map((e) => `${e.path} ${e.message}`).join(' ; ')}`
      : texts && isPhrase(texts.detail)
        ? wordIn(texts.detail, lang)
        : localizedDetail(body.detail, lang);
  return { ...body, title: problemText(body.title, lang), detail, ...(errors ? { errors } : {}) };
}

/** A detail such as `body.end_date: must be after start_date` keeps its path and translates the rest. */
function localizedDetail(detail: string, lang: Language): string {
  const field = /^((?:body|query|params|headers)\.[\w.]+|file): (.+)$/.exec(detail);
  if (field) return `${field[1]} : ${problemText(field[2], lang)}`;
  return problemText(detail, lang);
}
