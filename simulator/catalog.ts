/** Static vocabularies for the org generator: names, jobs, apps, hardware and browsers. */
import type { BrowserAgent, DevicePlatform, SimulatedApp } from './types.js';

export const FIRST_NAMES = [
  'Aisha', 'Alejandro', 'Amelia', 'Andre', 'Anika', 'Arjun', 'Beatriz', 'Benjamin', 'Carmen', 'Chen',
  'Chloe', 'Daniel', 'Dana', 'Deepa', 'Diego', 'Elena', 'Emeka', 'Emily', 'Fatima', 'Felix',
  'Grace', 'Hannah', 'Hiroshi', 'Ibrahim', 'Isabel', 'Jamal', 'James', 'Jin', 'Julia', 'Kai',
  'Karen', 'Kwame', 'Laura', 'Leila', 'Liam', 'Lucas', 'Maya', 'Mateo', 'Mei', 'Michael',
  'Nadia', 'Noah', 'Olivia', 'Omar', 'Priya', 'Rafael', 'Rachel', 'Ravi', 'Rosa', 'Samuel',
  'Sara', 'Sofia', 'Tariq', 'Thomas', 'Valentina', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Adeyemi', 'Alvarez', 'Anderson', 'Bauer', 'Becker', 'Brown', 'Campbell', 'Chen', 'Costa', 'Das',
  'Dubois', 'Evans', 'Fernandez', 'Fischer', 'Garcia', 'Gupta', 'Hansen', 'Hernandez', 'Hughes', 'Ito',
  'Jensen', 'Johnson', 'Kapoor', 'Kim', 'Kowalski', 'Lee', 'Lopez', 'Martin', 'Mensah', 'Meyer',
  'Miller', 'Moreau', 'Murphy', 'Nakamura', 'Nguyen', 'Novak', "O'Brien", 'Okafor', 'Patel', 'Perez',
  'Quinn', 'Reddy', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Sullivan', 'Tanaka',
  'Taylor', 'Thompson', 'Torres', 'Van Dijk', 'Walker', 'Wang', 'Weber', 'Williams', 'Yilmaz', 'Zhang',
] as const;

/** Departments with relative headcount and their job titles. */
export const DEPARTMENTS: readonly (readonly [{ name: string; titles: readonly string[] }, number])[] = [
  [{ name: 'Engineering', titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Site Reliability Engineer', 'Engineering Manager'] }, 30],
  [{ name: 'Sales', titles: ['Account Executive', 'Sales Development Representative', 'Sales Engineer', 'Regional Sales Manager'] }, 16],
  [{ name: 'Customer Success', titles: ['Customer Success Manager', 'Support Engineer', 'Technical Account Manager'] }, 10],
  [{ name: 'Marketing', titles: ['Product Marketing Manager', 'Content Strategist', 'Demand Generation Manager'] }, 8],
  [{ name: 'Product', titles: ['Product Manager', 'Product Designer', 'UX Researcher'] }, 8],
  [{ name: 'Finance', titles: ['Financial Analyst', 'Accountant', 'Controller'] }, 6],
  [{ name: 'People', titles: ['HR Business Partner', 'Recruiter', 'People Operations Specialist'] }, 5],
  [{ name: 'IT', titles: ['IT Administrator', 'Systems Engineer', 'Help Desk Technician'] }, 5],
  [{ name: 'Security', titles: ['Security Engineer', 'Detection Engineer', 'Security Analyst'] }, 4],
  [{ name: 'Legal', titles: ['Counsel', 'Paralegal'] }, 3],
];

/** Apps in the org; `departments` restricts who normally uses an app (none = everyone). */
export const APP_CATALOG: readonly (Omit<SimulatedApp, 'id'> & { departments?: readonly string[]; popularity: number })[] = [
  { name: 'okta_enduser', label: 'Okta Dashboard', signOnMode: 'OPENID_CONNECT', popularity: 6 },
  { name: 'saasure', label: 'Okta Admin Console', signOnMode: 'OPENID_CONNECT', departments: ['IT', 'Security'], popularity: 2 },
  { name: 'slack', label: 'Slack', signOnMode: 'SAML_2_0', popularity: 9 },
  { name: 'google', label: 'Google Workspace', signOnMode: 'SAML_2_0', popularity: 8 },
  { name: 'zoomus', label: 'Zoom', signOnMode: 'SAML_2_0', popularity: 5 },
  { name: 'atlassian', label: 'Atlassian Cloud', signOnMode: 'SAML_2_0', departments: ['Engineering', 'Product', 'IT', 'Security', 'Customer Success'], popularity: 6 },
  { name: 'githubcloud', label: 'GitHub Enterprise Cloud', signOnMode: 'SAML_2_0', departments: ['Engineering', 'Security', 'IT'], popularity: 7 },
  { name: 'amazon_aws_sso', label: 'AWS IAM Identity Center', signOnMode: 'SAML_2_0', departments: ['Engineering', 'Security', 'IT'], popularity: 4 },
  { name: 'salesforce', label: 'Salesforce.com', signOnMode: 'SAML_2_0', departments: ['Sales', 'Customer Success', 'Marketing'], popularity: 8 },
  { name: 'workday', label: 'Workday', signOnMode: 'SAML_2_0', departments: ['People', 'Finance'], popularity: 5 },
  { name: 'netsuite', label: 'NetSuite', signOnMode: 'SAML_2_0', departments: ['Finance'], popularity: 5 },
  { name: 'boxnet', label: 'Box', signOnMode: 'SAML_2_0', departments: ['Legal', 'Finance', 'Marketing'], popularity: 3 },
];

export interface HardwareModel {
  platform: DevicePlatform;
  manufacturer: string;
  displayName: string;
  model: string;
  osVersion: string;
  diskEncryptionType: string;
}

export const LAPTOP_MODELS: readonly HardwareModel[] = [
  { platform: 'MACOS', manufacturer: 'Apple', displayName: 'MacBook Pro 14-inch', model: 'Mac15,6', osVersion: '14.6.1', diskEncryptionType: 'ALL_INTERNAL_VOLUMES' },
  { platform: 'MACOS', manufacturer: 'Apple', displayName: 'MacBook Air 13-inch', model: 'Mac14,2', osVersion: '15.1.0', diskEncryptionType: 'ALL_INTERNAL_VOLUMES' },
  { platform: 'WINDOWS', manufacturer: 'Dell Inc.', displayName: 'Latitude 7440', model: 'Latitude 7440', osVersion: '10.0.22631', diskEncryptionType: 'ALL_INTERNAL_VOLUMES' },
  { platform: 'WINDOWS', manufacturer: 'LENOVO', displayName: 'ThinkPad X1 Carbon Gen 11', model: '21HM', osVersion: '10.0.22631', diskEncryptionType: 'SYSTEM_VOLUME' },
  { platform: 'WINDOWS', manufacturer: 'HP', displayName: 'EliteBook 840 G10', model: 'HP EliteBook 840 G10', osVersion: '10.0.19045', diskEncryptionType: 'NONE' },
];

export const PHONE_MODELS: readonly HardwareModel[] = [
  { platform: 'IOS', manufacturer: 'Apple', displayName: 'iPhone 15', model: 'iPhone15,4', osVersion: '18.1', diskEncryptionType: 'ALL_INTERNAL_VOLUMES' },
  { platform: 'IOS', manufacturer: 'Apple', displayName: 'iPhone 14', model: 'iPhone14,7', osVersion: '17.6.1', diskEncryptionType: 'ALL_INTERNAL_VOLUMES' },
  { platform: 'ANDROID', manufacturer: 'Google', displayName: 'Pixel 8', model: 'Pixel 8', osVersion: '14', diskEncryptionType: 'USER' },
  { platform: 'ANDROID', manufacturer: 'samsung', displayName: 'Galaxy S23', model: 'SM-S911B', osVersion: '14', diskEncryptionType: 'USER' },
];

const agent = (rawUserAgent: string, os: string, browser: string, device: BrowserAgent['device']): BrowserAgent =>
  ({ rawUserAgent, os, browser, device });

/** Desktop browsers by laptop platform. */
export const DESKTOP_BROWSERS: Readonly<Record<'MACOS' | 'WINDOWS', readonly (readonly [BrowserAgent, number])[]>> = {
  MACOS: [
    [agent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Mac OS X', 'CHROME', 'Computer'), 7],
    [agent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Mac OS X', 'SAFARI', 'Computer'), 3],
  ],
  WINDOWS: [
    [agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'), 6],
    [agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Windows 10', 'EDGE_CHROMIUM', 'Computer'), 3],
    [agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Windows 10', 'FIREFOX', 'Computer'), 1],
  ],
};

export const MOBILE_BROWSERS: Readonly<Record<'IOS' | 'ANDROID', BrowserAgent>> = {
  IOS: agent('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 'iOS', 'SAFARI', 'Mobile'),
  ANDROID: agent('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Android', 'CHROME', 'Mobile'),
};

/** What credential-stuffing and spray tooling tends to send. */
export const SCRIPTED_AGENTS: readonly BrowserAgent[] = [
  agent('python-requests/2.32.3', 'Unknown', 'UNKNOWN', 'Unknown'),
  agent('Go-http-client/1.1', 'Unknown', 'UNKNOWN', 'Unknown'),
  agent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'),
];
