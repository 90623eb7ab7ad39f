<?php

return [
    'default' => env('FILESYSTEM_DISK', 'local'),
    'disks' => [
        's3' => [
            'driver' => 's3',
            'key' => env('AWS_ACCESS_KEY_ID', '{{AKIA}}'),
            'secret' => env('AWS_SECRET_ACCESS_KEY', '{{SECRET}}'),
            'region' => env('AWS_DEFAULT_REGION', 'us-east-1'),
            'bucket' => env('AWS_BUCKET'),
        ],
        'backups' => [
            'driver' => 's3',
            'key' => '{{AKIA}}',
            'secret' => '{{SECRET}}',
            'region' => 'eu-west-1',
        ],
    ],
];
